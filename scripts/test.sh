#!/usr/bin/env bash
# Installs what the build needs, builds (Release) and runs the default test suite via CTest, then
# (when clang is there, as scripts/install-deps.sh makes sure) builds the fuzz harnesses in
# build-fuzz and fuzzes each parser for a few seconds (ctest -L fuzz, docs/generated/fuzzing.md).
#   scripts/test.sh             the default suite + the short fuzz run (SRF_TEST_FUZZ=0: no fuzzing)
#   scripts/test.sh --slow      the heavier validation (CTest label slow)
#   scripts/test.sh --sanitize  the default suite built with ASan and UBSan (build-asan)
# Long fuzzing: scripts/fuzz.sh --hours N.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
case "${1:-}" in
  --sanitize)
    # The whole default suite under ASan and UBSan (undefined behaviour aborts), built with the
    # default compiler (gcc; clang 14 cannot compile the tests' INFO on structured bindings).
    # -O1: fast enough for the suite; no NDEBUG: Eigen's and the code's assertions stay on.
    cmake -S . -B build-asan -DSRF_SANITIZE=ON -DSRF_PYTHON=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DBUILD_TESTING=ON >/dev/null
    cmake --build build-asan -j"$jobs"
    ctest --test-dir build-asan -LE slow --output-on-failure -j"$jobs"
    exit
    ;;
  --slow)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
    cmake --build build -j"$jobs"
    ctest --test-dir build -L slow --output-on-failure
    exit
    ;;
esac
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build -LE slow --output-on-failure -j"$jobs"
if [ "${SRF_TEST_FUZZ:-1}" != 0 ] && command -v clang++ >/dev/null; then
  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DSRF_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DBUILD_TESTING=ON >/dev/null
  cmake --build build-fuzz -j"$jobs" --target srf_fuzzers
  ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$jobs"
fi
