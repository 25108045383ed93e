#!/usr/bin/env bash
# Renders the talk's figures (figures/*.toml) with `sobolev-rf figure` into out/: one folder per
# figure, out/NAME/ with NAME.pdf, NAME.png and the gnuplot script NAME.gp, and out/NAME/data/ with
# the CSVs and their sidecars NAME.meta.json.
#   scripts/make-figures.sh            quick subset: fig1 and fig2, markers with p = 400 and 3 seeds
#                                      (well under a minute on 2 cores)
#   scripts/make-figures.sh --all      all ten figures (figures/fig*.toml) at full marker size (a few minutes)
#   scripts/make-figures.sh --all --docs   ... and copy the PNGs to docs/generated/figures/
#   scripts/make-figures.sh --all --docs --only fig15_structured_finite_d   ... only these specs (comma-separated names)
# Other arguments go to `sobolev-rf figure` (e.g. --no-markers, --all-markers, --out-dir DIR).
# The executable is $SOBOLEV_RF_EXE, or build/sobolev-rf (built here if missing; set
# SRF_BUILD_DIR to use another build folder).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SRF_BUILD_DIR:-$root/build}"
exe="${SOBOLEV_RF_EXE:-$build/sobolev-rf}"

all=0
docs=0
only=
out_dir="out"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --all) all=1 ;;
    --docs) docs=1 ;;
    --only) only="$2"; shift ;;
    --only=*) only="${1#--only=}" ;;
    --out-dir) out_dir="$2"; shift ;;
    --out-dir=*) out_dir="${1#--out-dir=}" ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done

if [ ! -x "$exe" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  make -C "$build" -j"$(nproc)" sobolev-rf
  exe="$build/sobolev-rf"
fi

if [ "$all" = 1 ] && [ -n "$only" ]; then
  specs=()
  IFS=, read -ra names <<<"$only"
  for name in "${names[@]}"; do
    [ -f "$root/figures/$name.toml" ] || { echo "make-figures.sh: no figures/$name.toml" >&2; exit 2; }
    specs+=("$root/figures/$name.toml")
  done
elif [ "$all" = 1 ]; then
  specs=("$root"/figures/fig*.toml)
else
  specs=("$root/figures/fig1_l2_double_descent.toml" "$root/figures/fig2_k1_sobolev.toml")
  args=(--quick "${args[@]}")
fi
if [ "$docs" = 1 ] && [ "$all" != 1 ]; then
  echo "make-figures.sh: --docs needs --all (the committed PNGs are the full figures)" >&2
  exit 2
fi

"$exe" figure "${specs[@]}" --out-dir "$out_dir" "${args[@]}"

if [ "$docs" = 1 ]; then
  mkdir -p "$root/docs/generated/figures"
  for spec in "${specs[@]}"; do
    name="$(basename "$spec" .toml)"
    cp "$out_dir/$name/$name.png" "$root/docs/generated/figures/$name.png"
  done
  echo "copied ${#specs[@]} PNGs to docs/generated/figures/"
fi
