# Sourced by the bench/*.sh scripts: wall-clock timing of whole commands (output discarded),
# with OMP_NUM_THREADS=2 (this project's machines have 2 cores).
#   wall CMD...          the wall seconds of one run (2 decimals)
#   median N CMD...      the median wall seconds of N runs (N odd; 3 decimals)
wall() {
  local s e
  s=$(date +%s%N)
  OMP_NUM_THREADS=2 "$@" >/dev/null
  e=$(date +%s%N)
  awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2f", (b-a)/1e9}'
}
median() {
  local n=$1
  shift
  local t=() s e
  for ((r = 0; r < n; r++)); do
    s=$(date +%s%N)
    OMP_NUM_THREADS=2 "$@" >/dev/null
    e=$(date +%s%N)
    t+=("$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.3f", (b-a)/1e9}')")
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n "$(((n + 1) / 2))p"
}
