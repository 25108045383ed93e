# Read by CTest (through the file srf_discover_doctest_tests generates), each time it loads the
# build tree: asks the doctest program SRF_TEST_EXECUTABLE for its test cases
# (--list-test-cases) and registers one CTest test "MODULE: NAME" per TEST_CASE, running
# `PROGRAM --test-case=NAME` (commas escaped: doctest splits filters at them). Each test fails
# unless doctest ran exactly one test case (FAIL_REGULAR_EXPRESSION on its summary), so a name the
# filter does not select (or selects twice) is an error, not a silent pass.
# Variables: SRF_TEST_EXECUTABLE, SRF_TEST_MODULE, SRF_TEST_SOBOLEV_RF_EXE, SRF_TEST_CMAKE,
# SRF_TEST_MPI, SRF_TEST_SANITIZE, SRF_TEST_FAST_TIMEOUT.

# A test that fails with `message` (the reason the module's tests could not be registered).
macro(srf_failing_test name message)
  add_test("${name}" "${SRF_TEST_CMAKE}" -E echo "${message}")
  set_tests_properties("${name}" PROPERTIES WILL_FAIL TRUE LABELS fast)
endmacro()

if(NOT EXISTS "${SRF_TEST_EXECUTABLE}")
  srf_failing_test("${SRF_TEST_MODULE}: the test program is not built"
                   "${SRF_TEST_EXECUTABLE} does not exist: build the project first")
  return()
endif()
execute_process(COMMAND "${SRF_TEST_EXECUTABLE}" --list-test-cases --no-version
                OUTPUT_VARIABLE srf_listing ERROR_VARIABLE srf_listing_err RESULT_VARIABLE srf_listing_rc)
if(NOT srf_listing_rc EQUAL 0)
  srf_failing_test("${SRF_TEST_MODULE}: the test program cannot list its test cases"
                   "${SRF_TEST_EXECUTABLE} --list-test-cases: exit ${srf_listing_rc}: ${srf_listing_err}")
  return()
endif()

# doctest's summary line says how many test cases ran; exactly one must have.
set(srf_not_one_case "\\[doctest\\] test cases: +([02-9]|[1-9][0-9]+) +\\|")
set(srf_separator "===============================================================================")
# The names are the lines between the two separator lines. Read line by line with string(FIND), not
# as a CMake list, so that a name holding ';' or '[' stays one name.
set(srf_rest "${srf_listing}")
set(srf_section 0)
set(srf_seen "\n")
while(NOT srf_rest STREQUAL "")
  string(FIND "${srf_rest}" "\n" srf_nl)
  if(srf_nl EQUAL -1)
    set(srf_line "${srf_rest}")
    set(srf_rest "")
  else()
    string(SUBSTRING "${srf_rest}" 0 ${srf_nl} srf_line)
    math(EXPR srf_nl "${srf_nl} + 1")
    string(SUBSTRING "${srf_rest}" ${srf_nl} -1 srf_rest)
  endif()
  string(REGEX REPLACE "\r$" "" srf_line "${srf_line}")
  if(srf_line STREQUAL srf_separator)
    math(EXPR srf_section "${srf_section} + 1")
    continue()
  endif()
  if(NOT srf_section EQUAL 1 OR srf_line STREQUAL "")
    continue()
  endif()
  # A name given twice is registered once (the count check then fails).
  string(FIND "${srf_seen}" "\n${srf_line}\n" srf_dup)
  if(NOT srf_dup EQUAL -1)
    continue()
  endif()
  string(APPEND srf_seen "${srf_line}\n")
  if(srf_line MATCHES "^\\[mpi\\]" AND NOT SRF_TEST_MPI)
    continue()  # runs the program under mpirun: only in builds with MPI
  endif()
  set(srf_name "${SRF_TEST_MODULE}: ${srf_line}")
  string(REPLACE "," "\\," srf_filter "${srf_line}")
  add_test("${srf_name}" "${SRF_TEST_EXECUTABLE}" "--test-case=${srf_filter}" --no-version)
  set(srf_env "SOBOLEV_RF_EXE=${SRF_TEST_SOBOLEV_RF_EXE};OMP_NUM_THREADS=2")
  if(srf_line MATCHES "^\\[slow\\]")
    set(srf_labels slow)
    set(srf_timeout 600)
  elseif(srf_line MATCHES "^\\[mpi\\]")
    set(srf_labels "fast;mpi")
    set(srf_timeout ${SRF_TEST_FAST_TIMEOUT})
    # Sanitized: OpenMPI's own start-up allocations (libmpi and its plugins, unloaded before
    # LeakSanitizer reports, so no suppression can name them) are never freed; leak checking is
    # off for the ranks, every other ASan and UBSan check stays on.
    if(SRF_TEST_SANITIZE)
      string(APPEND srf_env ";LSAN_OPTIONS=detect_leaks=0")
    endif()
  else()
    set(srf_labels fast)
    set(srf_timeout ${SRF_TEST_FAST_TIMEOUT})
  endif()
  set_tests_properties("${srf_name}" PROPERTIES ENVIRONMENT "${srf_env}" LABELS "${srf_labels}"
                       TIMEOUT ${srf_timeout} FAIL_REGULAR_EXPRESSION "${srf_not_one_case}")
endwhile()
