#!/usr/bin/env bash
# Installs what the build needs, builds (Release) and runs the default test suite via CTest.
# Heavier validation is labelled "slow" and left out here; run it with: scripts/test.sh --slow
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build build -j"$(nproc)"
if [ "${1:-}" = "--slow" ]; then
  ctest --test-dir build -L slow --output-on-failure
else
  ctest --test-dir build -LE slow --output-on-failure -j"$(nproc)"
fi
