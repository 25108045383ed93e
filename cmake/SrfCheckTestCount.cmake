# A CTest test (cmake -P): the tests CTest knows equal the tests the test framework counts, so a
# test that discovery missed fails the suite (cmake/SrfTestDiscovery.cmake).
#   -D MODE=doctest -D EXECUTABLE=PROGRAM -D MODULE=NAME -D MPI=ON|OFF -D CTEST=ctest -D TEST_DIR=DIR
#       the CTest tests running PROGRAM against `PROGRAM --count` (without the "[mpi]" cases when MPI
#       is OFF).
#   -D MODE=pytest -D SETTINGS=FILE -D CTEST=ctest -D TEST_DIR=DIR
#       the CTest tests named "python: ..." against the functions `pytest --collect-only` finds now.

# Occurrences of `needle` in `text`.
function(srf_count_occurrences out text needle)
  string(LENGTH "${needle}" len)
  set(n 0)
  string(FIND "${text}" "${needle}" at)
  while(NOT at EQUAL -1)
    math(EXPR n "${n} + 1")
    math(EXPR at "${at} + ${len}")
    string(SUBSTRING "${text}" ${at} -1 text)
    string(FIND "${text}" "${needle}" at)
  endwhile()
  set(${out} ${n} PARENT_SCOPE)
endfunction()

execute_process(COMMAND "${CTEST}" --test-dir "${TEST_DIR}" --show-only=json-v1
                OUTPUT_VARIABLE tests_json ERROR_VARIABLE ctest_err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ctest --show-only=json-v1: exit ${rc}: ${ctest_err}")
endif()

if(MODE STREQUAL "doctest")
  set(count_args --count --no-version)
  if(NOT MPI)
    list(APPEND count_args "--test-case-exclude=[mpi]*")
  endif()
  execute_process(COMMAND "${EXECUTABLE}" ${count_args} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "passing the current filters: ([0-9]+)")
    message(FATAL_ERROR "${EXECUTABLE} --count: exit ${rc}: ${out}")
  endif()
  set(expected ${CMAKE_MATCH_1})
  # Each test's command starts with the program, a JSON string of its own.
  srf_count_occurrences(registered "${tests_json}" "\"${EXECUTABLE}\"")
  set(what "${MODULE}: CTest runs ${EXECUTABLE} in ${registered} test(s); doctest counts ${expected} TEST_CASE(s)")
elseif(MODE STREQUAL "pytest")
  include("${SETTINGS}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env ${ENVIRONMENT}
                          "${PYTHON}" -m pytest --collect-only -q -p no:cacheprovider "--rootdir=${TESTS_DIR}" "${TESTS_DIR}"
                  WORKING_DIRECTORY "${WORKING_DIRECTORY}" OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pytest --collect-only ${TESTS_DIR}: exit ${rc}:\n${out}${err}")
  endif()
  # One CTest test per function: node ids without their parameters, each once.
  string(REGEX REPLACE "\\[[^\n]*" "" out "${out}")
  string(REGEX MATCHALL "[^\n]+\\.py::[^\n]+" functions "${out}")
  list(REMOVE_DUPLICATES functions)
  list(LENGTH functions expected)
  srf_count_occurrences(registered "${tests_json}" "\"name\" : \"python: ")
  set(what "python: CTest has ${registered} test(s) named \"python: ...\"; pytest collects ${expected} test function(s) in ${TESTS_DIR}")
else()
  message(FATAL_ERROR "MODE = ${MODE}: must be doctest or pytest")
endif()

if(NOT registered EQUAL expected)
  message(FATAL_ERROR "${what}: every test must be registered once (cmake/SrfTestDiscovery.cmake)")
endif()
message(STATUS "${what}")
