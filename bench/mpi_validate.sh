#!/usr/bin/env bash
# Times a multi-point `sobolev-rf validate` (a p/n sweep, simulations at p and 2p) under
# mpirun with R = 1 and R = 2 ranks, one OpenMP thread per rank, and prints the ratio
# (docs/cluster.md "Scaling"). Also checks that both runs print the same table.
# Usage: bench/mpi_validate.sh [build/sobolev-rf] [p] [seeds] [points] [repeats]
set -euo pipefail
exe=${1:-build/sobolev-rf}
p=${2:-300}
seeds=${3:-8}
points=${4:-4}
reps=${5:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Root (containers, CI) needs these for mpirun; set for this script only.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
args=(validate --k 1 --varpi 0.5 --lambda 1e-2 --p "$p" --seeds "$seeds" --threads 1
      --sweep "p_over_n=0.5:2:$points" --z-threshold 1e9)
median_s() {  # median wall time in s of "$@" over $reps runs; output of the last run in $tmp/out
  local t=()
  for ((i = 0; i < reps; i++)); do
    local s e
    s=$(date +%s%N)
    "$@" >"$tmp/out" 2>"$tmp/err"
    e=$(date +%s%N)
    t+=($(((e - s) / 1000000)))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
t1=$(median_s mpirun --oversubscribe -n 1 "$exe" "${args[@]}")
cp "$tmp/out" "$tmp/out1"
t2=$(median_s mpirun --oversubscribe -n 2 "$exe" "${args[@]}")
same=no
cmp -s "$tmp/out1" "$tmp/out" && same=yes
tasks=$((points * 2 * seeds))
echo "validate, $points points x 2 sizes (p = $p, $((2 * p))) x $seeds seeds = $tasks tasks, median of $reps runs, $(nproc --all) cores"
echo "R = 1: $t1 s"
echo "R = 2: $t2 s"
awk -v a="$t1" -v b="$t2" 'BEGIN {printf "speed-up R=2 over R=1: %.2f (ideal 2)\n", a / b}'
echo "identical output: $same"
