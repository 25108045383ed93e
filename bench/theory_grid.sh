#!/usr/bin/env bash
# Times a 100 x 100 grid (k = 1, tanh/tanh, varpi = 1; gamma x p/n) with the optimal lambda per
# point (`curve --optimize lambda`, objective gen_f) and with the joint optimum of (lambda, beta)
# per point (`curve --optimize both`, beta = 0 a candidate; objective gen_h1, where a positive
# beta wins), on OMP_NUM_THREADS=2, against the same grid at a fixed lambda (reference in the same
# script). Prints a Markdown section.
# Usage: bench/theory_grid.sh [build/sobolev-rf]
set -euo pipefail
exe=${1:-build/sobolev-rf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grid=(--k 1 --varpi 1 --sweep gamma=0.2:2:100 --sweep p_over_n=0.2:5:100)
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
ref=$(wall "$exe" curve "${grid[@]}" --lambda 1e-3 --output "$tmp/fixed.csv")
opt=$(wall "$exe" curve "${grid[@]}" --optimize lambda --objective gen_f --output "$tmp/opt.csv")
both=$(wall "$exe" curve "${grid[@]}" --optimize both --objective gen_h1 --output "$tmp/both.csv")
converged() { awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="converged") c=i} NR>1{n++; s+=$c} END{printf "%d/%d", s, n}' "$1"; }
column_sum() { awk -F, -v name="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==name) c=i} NR>1{s+=$c} END{print s+0}' "$1"; }
conv=$(converged "$tmp/opt.csv")
bnd=$(column_sum "$tmp/opt.csv" lambda_on_boundary)
conv_both=$(converged "$tmp/both.csv")
zero=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="beta_opt") c=i} NR>1 && $c==0{s++} END{print s+0}' "$tmp/both.csv")
echo "## Grids (bench/theory_grid.sh)"
echo
echo "100 x 100 grid, k = 1, tanh/tanh, varpi = 1, gamma in [0.2, 2] (rows) x p/n in [0.2, 5], OMP_NUM_THREADS=2, whole command."
echo
echo "| run | wall (s) | ratio to fixed-lambda grid | converged | optimum on the lambda boundary |"
echo "| --- | --- | --- | --- | --- |"
echo "| fixed lambda = 1e-3 (reference) | $ref | 1.0 | | |"
echo "| optimal lambda per point (gen_f, lambda in [1e-8, 10]) | $opt | $(awk -v a="$opt" -v b="$ref" 'BEGIN{printf "%.1f", a/b}') | $conv | $bnd |"
echo "| optimal (lambda, beta) per point (gen_h1, beta in {0} and [1e-3, 1e3]) | $both | $(awk -v a="$both" -v b="$ref" 'BEGIN{printf "%.1f", a/b}') | $conv_both | beta_opt = 0 at $zero points |"
