#!/usr/bin/env bash
# Installs the Debian packages sobolev-rf needs to build (OpenMPI: docs/cluster.md), test (clang, libFuzzer and the
# sanitizer runtimes: the fuzz harnesses of fuzz/) and draw figures.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
set -euo pipefail
pkgs=(
  build-essential cmake pkg-config
  libeigen3-dev libboost-math-dev libgsl-dev
  doctest-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libfmt-dev
  libopenblas-dev
  libopenmpi-dev openmpi-bin
  clang libfuzzer-14-dev libclang-rt-14-dev libomp-dev
  gnuplot-nox
  python3-numpy python3-scipy
  pybind11-dev python3-dev python3-pytest python3-pandas python3-matplotlib
  python3-sklearn python3-tqdm
  python3-hypothesis python3-nbclient python3-ipykernel python3-nbformat python3-pip python3-venv python3-setuptools python3-wheel
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
