#!/usr/bin/env bash
# The finite-d structured theory's speed (docs/theory/structured.md [S.15]) against the limit theory at
# the same points (the reference, in the same script):
#   - a 200-point `curve` over p/n in [0.1, 5] (k = 1, varpi = 1, tanh/tanh, d/p = 0.8, lambda = 1e-3,
#     alignment 0.5) with a file: spectrum of 10^5 eigenvalues (exponential, drawn by awk with a fixed
#     seed): the limit (its empirical law) against the finite-d theory at d = 10^5 (the file as given);
#     target: at most 2x the limit's time per point;
#   - one `theory` point, powerlaw:0.6 at alignment 0.5 (a(b+1) = 0.9), erf/linear, k = 0, at
#     d = 10^5, 10^6 and 10^7 against the limit's solve; target at 10^7: seconds.
# Both the limit and the finite-d answers carry the finite-size estimate of [S.15] (the other side
# solved too), as every structured answer does. Median of 3 whole-command runs, OMP_NUM_THREADS=2.
# Prints a Markdown section. Usage: bench/structured_finite_d.sh [build-dir]   (default build)
set -euo pipefail
build=${1:-build}
exe="$build/sobolev-rf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { srand(1); for (i = 0; i < 100000; i++) printf "%.10g\n", -log(1 - rand()) }' > "$tmp/spectrum.txt"
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
converged() { awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="converged") c=i} NR>1{n++; s+=$c} END{printf "%d/%d", s, n}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
curve=(curve --k 1 --varpi 1 --lambda 1e-3 --alignment 0.5 --sweep p_over_n=0.1:5:200 --spectrum "file:$tmp/spectrum.txt")
lim=$(median 3 "$exe" "${curve[@]}" --output "$tmp/lim.csv" 2>/dev/null)  # the limit warns (stderr): expected
fin=$(median 3 "$exe" "${curve[@]}" --d 100000 --output "$tmp/fin.csv")
point=(theory --sigma erf --teacher linear --p-over-n 0.6 --gamma 0.8 --lambda 1e-3 --spectrum powerlaw:0.6 --alignment 0.5)
plim=$(median 3 "$exe" "${point[@]}" 2>/dev/null)
p5=$(median 3 "$exe" "${point[@]}" --d 100000)
p6=$(median 3 "$exe" "${point[@]}" --d 1000000)
p7=$(median 3 "$exe" "${point[@]}" --d 10000000)
g() { "$exe" "${point[@]}" "$@" --format json 2>/dev/null | awk -F'[:,]' '/^  "gen_f"/{printf "%.4f", $2}'; }
echo "## The finite-d structured theory (bench/structured_finite_d.sh)"
echo
echo "Median of 3 whole commands, OMP_NUM_THREADS=2. A 200-point curve over p/n in [0.1, 5] (k = 1, varpi = 1, tanh/tanh, d/p = 0.8, lambda = 1e-3, b = 0.5) on a file: spectrum of 10^5 eigenvalues:"
echo
echo "| curve | wall (s) | per point (ms) | ratio to the limit | converged | target |"
echo "| --- | --- | --- | --- | --- | --- |"
echo "| limit (reference) | $lim | $(awk -v a="$lim" 'BEGIN{printf "%.2f", a*5}') | 1 | $(converged "$tmp/lim.csv") | |"
echo "| finite-d, d = 10^5 | $fin | $(awk -v a="$fin" 'BEGIN{printf "%.2f", a*5}') | $(ratio "$fin" "$lim") | $(converged "$tmp/fin.csv") | <= 2 |"
echo
echo "One point, powerlaw:0.6, b = 0.5 (a(b+1) = 0.9), erf/linear, p/n = 0.6, d/p = 0.8, lambda = 1e-3, k = 0:"
echo
echo "| answer | wall (s) | ratio to the limit | gen_f | target |"
echo "| --- | --- | --- | --- | --- |"
echo "| limit (reference) | $plim | 1 | $(g) | |"
echo "| finite-d, d = 10^5 | $p5 | $(ratio "$p5" "$plim") | $(g --d 100000) | |"
echo "| finite-d, d = 10^6 | $p6 | $(ratio "$p6" "$plim") | $(g --d 1000000) | |"
echo "| finite-d, d = 10^7 | $p7 | $(ratio "$p7" "$plim") | $(g --d 10000000) | seconds |"
