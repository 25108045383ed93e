# Installs the built project into an empty prefix, builds examples/cpp against it with
# find_package(sobolev_rf) and runs the example: it must solve its point (exit 0) and print
# every error. Run by CTest (tests/CMakeLists.txt) with SRF_BUILD_DIR, SRF_SOURCE_DIR, SRF_WORK_DIR
# and SRF_CXX_COMPILER (the package's compiler: a sanitizer build exports its flags).
file(REMOVE_RECURSE ${SRF_WORK_DIR})
set(prefix ${SRF_WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install ${SRF_BUILD_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${SRF_SOURCE_DIR}/examples/cpp -B ${SRF_WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${SRF_CXX_COMPILER})
run(${CMAKE_COMMAND} --build ${SRF_WORK_DIR}/build)
run(${SRF_WORK_DIR}/build/solve_point)
foreach(name status train_f gen_f gen_g gen_h1 gen_grad)
  if(NOT last_output MATCHES "${name}")
    message(FATAL_ERROR "the example's output lacks ${name}:\n${last_output}")
  endif()
endforeach()
if(NOT last_output MATCHES "converged")
  message(FATAL_ERROR "the example's point did not converge:\n${last_output}")
endif()
message(STATUS "example output:\n${last_output}")
