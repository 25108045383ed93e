#!/usr/bin/env bash
# Structured inputs (issue 18): the limit theory's speed with a spectrum, against the isotropic
# curve (reference in the same script), and the finite-p covariate model against one limit solve.
#   - a 200-point `curve` over p/n in [0.1, 5] (k = 1, varpi = 1, tanh/tanh, lambda = 1e-3):
#     isotropic (reference), powerlaw:0.5 (target < 0.2 s), and file: with 10^5 eigenvalues
#     (exponential, drawn by awk with a fixed seed; target < 2 s, the file read included), and that
#     file with an informed direction, estimated and estimated_sigma (their ratio);
#   - k = 0, powerlaw:0.5, p/n = 2: one limit solve against the covariate model at p = 2000
#     (bench/covariate_model_timing.cpp, built here as target srf_bench_covariate).
# Median of 5 whole-command runs (3 for the file), OMP_NUM_THREADS=2. Prints a Markdown section.
# Usage: bench/structured_theory.sh [build-dir]   (default build)
set -euo pipefail
build=${1:-build}
exe="$build/sobolev-rf"
cmake --build "$build" --target srf_bench_covariate >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { srand(1); for (i = 0; i < 100000; i++) printf "%.10g\n", -log(1 - rand()) }' > "$tmp/spectrum.txt"
curve=(curve --k 1 --varpi 1 --lambda 1e-3 --sweep p_over_n=0.1:5:200)
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
converged() { awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="converged") c=i} NR>1{n++; s+=$c} END{printf "%d/%d", s, n}' "$1"; }
iso=$(median 5 "$exe" "${curve[@]}" --output "$tmp/iso.csv")
pl=$(median 5 "$exe" "${curve[@]}" --spectrum powerlaw:0.5 --output "$tmp/pl.csv")
file=$(median 3 "$exe" "${curve[@]}" --spectrum "file:$tmp/spectrum.txt" --output "$tmp/file.csv")
# The same file curve with an informed direction (b = 0.5, Delta_u = 0.05): estimated (BBP), and
# estimated_sigma, whose generalised spiked limit [S.14] is solved once per (law, ell, Delta_u, c).
informed=(--spectrum "file:$tmp/spectrum.txt" --alignment 0.5 --delta-u 0.05)
est=$(median 3 "$exe" "${curve[@]}" "${informed[@]}" --informed estimated --output "$tmp/est.csv")
sig=$(median 3 "$exe" "${curve[@]}" "${informed[@]}" --informed estimated_sigma --output "$tmp/sig.csv")
echo "## Structured inputs (bench/structured_theory.sh)"
echo
echo "200-point curve, p/n in [0.1, 5], k = 1, varpi = 1, tanh/tanh, d/p = 0.8, lambda = 1e-3; median of 5 whole commands (3 for the file), OMP_NUM_THREADS=2."
echo
echo "| spectrum | wall (s) | ratio to isotropic | converged | target |"
echo "| --- | --- | --- | --- | --- |"
echo "| isotropic (reference) | $iso | 1 | $(converged "$tmp/iso.csv") | |"
echo "| powerlaw:0.5 | $pl | $(awk -v a="$pl" -v b="$iso" 'BEGIN{printf "%.1f", a/b}') | $(converged "$tmp/pl.csv") | < 0.2 s |"
echo "| file: 10^5 eigenvalues | $file | $(awk -v a="$file" -v b="$iso" 'BEGIN{printf "%.1f", a/b}') | $(converged "$tmp/file.csv") | < 2 s |"
echo "| file: 10^5, b = 0.5, informed = estimated | $est | $(awk -v a="$est" -v b="$iso" 'BEGIN{printf "%.1f", a/b}') | $(converged "$tmp/est.csv") | |"
echo "| file: 10^5, b = 0.5, informed = estimated_sigma | $sig | $(awk -v a="$sig" -v b="$iso" 'BEGIN{printf "%.1f", a/b}') (estimated: $(awk -v a="$sig" -v b="$est" 'BEGIN{printf "%.2f", a/b}')) | $(converged "$tmp/sig.csv") | |"
echo
echo "The finite-p route at k = 0 (powerlaw:0.5, p/n = 2, lambda = 1e-2): median wall time, ratio to one limit solve, and gen_f (they differ by O(1/p))."
echo
echo "| route | wall (s) | ratio | gen_f |"
echo "| --- | --- | --- | --- |"
OMP_NUM_THREADS=2 "$build/srf_bench_covariate" 2000
