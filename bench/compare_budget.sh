#!/usr/bin/env bash
# Times `compare` at one point (k = 1, tanh/tanh, p/n = 2, the mean over varpi, objective gen_h1):
# the four rows (L2 at n and at equal cost, Sobolev at its optimal (lambda, beta) and at beta = 1),
# and the same with --budget-directions 4 (k = 0..4 directions at a fixed label budget, each at
# its optimum), against one `theory` solve at the same point (reference in the same script).
# Median of 5 runs each, OMP_NUM_THREADS=2, whole commands. Prints a Markdown section.
# Usage: bench/compare_budget.sh [build/sobolev-rf]
set -euo pipefail
exe=${1:-build/sobolev-rf}
point=(--p-over-n 2 --k 1 --varpi-average --objective gen_h1)
source "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
ref=$(median 5 "$exe" theory --p-over-n 2 --k 1 --varpi-average)
rows=$(median 5 "$exe" compare "${point[@]}")
budget=$(median 5 "$exe" compare "${point[@]}" --budget-directions 4)
echo "## compare (bench/compare_budget.sh)"
echo
echo "k = 1, tanh/tanh, p/n = 2, d/p = 0.8, mean over varpi, objective gen_h1; median of 5, OMP_NUM_THREADS=2, whole command."
echo
echo "| run | wall (s) | ratio to one theory solve |"
echo "| --- | --- | --- |"
echo "| theory (reference) | $ref | 1 |"
echo "| compare: four rows | $rows | $(awk -v a="$rows" -v b="$ref" 'BEGIN{printf "%.0f", a/b}') |"
echo "| compare --budget-directions 4 | $budget | $(awk -v a="$budget" -v b="$ref" 'BEGIN{printf "%.0f", a/b}') |"
