#!/usr/bin/env bash
# Times a 100 x 100 grid (k = 1, tanh/tanh, varpi = 1; gamma x p/n) with the optimal lambda per
# point (`curve --optimize lambda`, objective gen_f), on OMP_NUM_THREADS=2, against the same grid
# at a fixed lambda (reference in the same script). Prints a Markdown section.
# Usage: bench/theory_grid.sh [build/sobolev-rf]
set -euo pipefail
exe=${1:-build/sobolev-rf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grid=(--k 1 --varpi 1 --sweep gamma=0.2:2:100 --sweep p_over_n=0.2:5:100)
wall() {  # wall seconds of "$@"
  local s e
  s=$(date +%s%N)
  OMP_NUM_THREADS=2 "$@" >/dev/null
  e=$(date +%s%N)
  awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2f", (b-a)/1e9}'
}
ref=$(wall "$exe" curve "${grid[@]}" --lambda 1e-3 --output "$tmp/fixed.csv")
opt=$(wall "$exe" curve "${grid[@]}" --optimize lambda --objective gen_f --output "$tmp/opt.csv")
conv=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="converged") c=i} NR>1{n++; s+=$c} END{printf "%d/%d", s, n}' "$tmp/opt.csv")
bnd=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="lambda_on_boundary") c=i} NR>1{s+=$c} END{print s+0}' "$tmp/opt.csv")
echo "## Grids (bench/theory_grid.sh)"
echo
echo "100 x 100 grid, k = 1, tanh/tanh, varpi = 1, gamma in [0.2, 2] (rows) x p/n in [0.2, 5], OMP_NUM_THREADS=2, whole command."
echo
echo "| run | wall (s) | ratio to fixed-lambda grid | converged | optimum on the lambda boundary |"
echo "| --- | --- | --- | --- | --- |"
echo "| fixed lambda = 1e-3 (reference) | $ref | 1.0 | | |"
echo "| optimal lambda per point (gen_f, lambda in [1e-8, 10]) | $opt | $(awk -v a="$opt" -v b="$ref" 'BEGIN{printf "%.1f", a/b}') | $conv | $bnd |"
