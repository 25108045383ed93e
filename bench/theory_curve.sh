#!/usr/bin/env bash
# Times whole `sobolev-rf curve` commands (process start included) on one core:
#   L2 (k = 0) and Sobolev (k = 1, 2) 200-point curves, tanh/tanh, lambda = 1e-3, p/n in [0.1, 5],
# and a 200-point k = 1 curve at lambda = 1e-6 across the threshold. Reference in the same
# script: `sobolev-rf --help` (process start alone), so the ratio says what the solving costs.
# Prints a Markdown section. Usage: bench/theory_curve.sh [build/sobolev-rf] [repeats]
set -euo pipefail
exe=${1:-build/sobolev-rf}
reps=${2:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
median_ms() {  # median wall time in ms of "$@" over $reps runs
  local t=()
  for ((i = 0; i < reps; i++)); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    t+=($(((e - s) / 1000)))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
ref=$(median_ms $pin "$exe" --help)
echo "## Theory curves (bench/theory_curve.sh)"
echo
echo "Whole command, one core ($pin), median of $reps runs; reference: \`sobolev-rf --help\` = $ref ms."
echo
echo "| curve | points | wall (ms) | ratio to reference | Newton iterations per point (mean / max) | converged |"
echo "| --- | --- | --- | --- | --- | --- |"
run_case() {
  local label=$1
  shift
  local t
  t=$(median_ms $pin "$exe" curve "$@" --output "$tmp/c.csv")
  local stats
  stats=$(awk -F, 'NR==1{for(i=1;i<=NF;i++){if($i=="iterations")it=i; if($i=="converged")cv=i}} NR>1{n++; s+=$it; if($it>m)m=$it; c+=$cv} END{printf "%d|%.1f / %d|%d", n, s/n, m, c}' "$tmp/c.csv")
  IFS='|' read -r n its conv <<<"$stats"
  echo "| $label | $n | $t | $(awk -v a="$t" -v b="$ref" 'BEGIN{printf "%.1f", a/b}') | $its | $conv/$n |"
}
run_case "L2 (k=0), tanh/tanh, lambda=1e-3" --sigma tanh --teacher tanh --gamma 0.8 --lambda 1e-3 --sweep p_over_n=0.1:5:200
run_case "Sobolev k=1, varpi=1, lambda=1e-3" --sigma tanh --teacher tanh --gamma 0.8 --lambda 1e-3 --k 1 --varpi 1 --sweep p_over_n=0.1:5:200
run_case "Sobolev k=1, varpi=1, lambda=1e-6" --sigma tanh --teacher tanh --gamma 0.8 --lambda 1e-6 --k 1 --varpi 1 --sweep p_over_n=0.1:5:200
run_case "Sobolev k=2, varpi=(1,1), lambda=1e-3" --sigma tanh --teacher tanh --gamma 0.8 --lambda 1e-3 --k 2 --varpi 1,1 --sweep p_over_n=0.1:5:200
run_case "L2 lambda sweep 1e-8..10 at p/n=1" --sigma relu --teacher tanh --gamma 0.8 --p-over-n 1 --sweep lambda=1e-8:10:200:log
