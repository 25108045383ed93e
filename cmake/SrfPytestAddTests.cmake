# Run at build time (cmake -P, from srf_discover_pytest_tests in cmake/SrfTestDiscovery.cmake):
# collects the Python tests with pytest (`python3 -m pytest --collect-only -q TESTS_DIR`) and writes
# CTEST_FILE, which CTest reads: one test "python: FILE::FUNCTION" per collected test function (a
# parametrised function is one test running all its parameters), label slow and 600 s for
# test_slow_*, label fast and 120 s for the others. A collection error becomes a failing test
# naming it, so that a test file that cannot be imported is never skipped in silence.
# -D SETTINGS=FILE sets PYTHON, TESTS_DIR, WORKING_DIRECTORY, ENVIRONMENT (a list NAME=VALUE) and
# CTEST_FILE.
include("${SETTINGS}")

# A CMake bracket argument holding `text` verbatim.
function(srf_bracket out text)
  set(eq "=")
  while(text MATCHES "\\]${eq}\\]")
    string(APPEND eq "=")
  endwhile()
  set(${out} "[${eq}[${text}]${eq}]" PARENT_SCOPE)
endfunction()

execute_process(COMMAND "${CMAKE_COMMAND}" -E env ${ENVIRONMENT}
                        "${PYTHON}" -m pytest --collect-only -q -p no:cacheprovider --continue-on-collection-errors
                        "--rootdir=${TESTS_DIR}" "${TESTS_DIR}"
                WORKING_DIRECTORY "${WORKING_DIRECTORY}" OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)

srf_bracket(python "${PYTHON}")
srf_bracket(env "${ENVIRONMENT}")
srf_bracket(wd "${WORKING_DIRECTORY}")
set(script "# Generated at build time by cmake/SrfPytestAddTests.cmake from pytest --collect-only.\n")
# Parameters removed ("[...]" to the end of the line), then one line per function, each once.
string(REGEX REPLACE "\\[[^\n]*" "" functions_text "${out}")
string(REGEX MATCHALL "[^\n]+\\.py::[^\n]+" functions "${functions_text}")
list(REMOVE_DUPLICATES functions)
foreach(node IN LISTS functions)
  string(REGEX REPLACE "^(.*)\\.py::(.*)$" "python: \\1::\\2" name "${node}")
  if(node MATCHES "::test_slow_[^:]*$")
    set(props "LABELS slow TIMEOUT 600")
  else()
    set(props "LABELS fast TIMEOUT 120")
  endif()
  srf_bracket(n "${name}")
  srf_bracket(target "${TESTS_DIR}/${node}")
  string(APPEND script
         "add_test(${n} ${python} -m pytest -q -p no:cacheprovider ${target})\n"
         "set_tests_properties(${n} PROPERTIES WORKING_DIRECTORY ${wd} ENVIRONMENT ${env} ${props})\n")
endforeach()
# pytest exit status: 0 collected, 5 nothing to collect; anything else is an error to show.
if(NOT rc EQUAL 0 AND NOT rc EQUAL 5)
  set(name "registration: python: pytest --collect-only ${TESTS_DIR} failed (exit ${rc})")
  srf_bracket(n "${name}")
  string(REGEX MATCHALL "(ERROR|E   )[^\n]*" errors "${out}")
  string(REPLACE ";" "\n" errors "${errors}")
  srf_bracket(message "${errors}${err}")
  srf_bracket(cmake "${CMAKE_COMMAND}")
  string(APPEND script "add_test(${n} ${cmake} -E echo ${message})\n"
                       "set_tests_properties(${n} PROPERTIES WILL_FAIL TRUE LABELS fast)\n")
endif()
file(WRITE "${CTEST_FILE}" "${script}")
list(LENGTH functions n)
message(STATUS "pytest: ${n} test function(s) in ${TESTS_DIR}")
