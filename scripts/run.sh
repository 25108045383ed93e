#!/usr/bin/env bash
# Installs what the build needs, builds (Release) the command line and the Python package
# (build/python/sobolev_rf) and runs the main job: the default figures (theory curves with
# simulation markers) and the default L2 learning curve, under out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" --target sobolev-rf
# The Python package, where its dependencies are installed (scripts/install-deps.sh installs them).
if grep -q '^SRF_PYTHON:BOOL=ON' build/CMakeCache.txt; then
  cmake --build build -j"$(nproc)" --target sobolev_rf_python
fi
mkdir -p out
./build/sobolev-rf curve --sigma tanh --teacher tanh --gamma 0.8 --lambda 1e-3 \
  --sweep p_over_n=0.1:5:200 --output out/l2_curve.csv
echo "wrote out/l2_curve.csv"
if [ -x scripts/make-figures.sh ]; then
  bash scripts/make-figures.sh "$@"
fi
