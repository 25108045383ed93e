#!/usr/bin/env bash
# Fuzzes the parsers of user input (fuzz/, docs/generated/fuzzing.md) with libFuzzer, ASan and UBSan.
#   scripts/fuzz.sh --hours N [--jobs J] [HARNESS ...]   each harness for N hours (the long run)
#   scripts/fuzz.sh --seconds S [--jobs J] [HARNESS ...] each harness for S seconds
# Harnesses: fuzz/NAME_fuzz.cpp (default: all). J harnesses
# run at once (default: the number of cores). The corpus each run grows stays in
# build-fuzz/fuzz/work/HARNESS/corpus (later runs start from it), logs go to
# build-fuzz/fuzz/logs/HARNESS.log, failing inputs to build-fuzz/fuzz/fuzz-artifacts/. A run stops
# at its first finding; the table at the end gives per harness the seconds, the executions
# (libFuzzer's stat::number_of_executed_units) and the finding, if any. Exit 1 on a finding.
# A finding's input becomes a regression: fuzz/regressions/HARNESS/ (replayed by ctest -L fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
jobs=$(nproc)
harnesses=()
while (($#)); do
  case "$1" in
    --hours) seconds=$(awk "BEGIN { printf \"%d\", $2 * 3600 }"); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
if ((${#harnesses[@]} == 0)); then  # every fuzz/NAME_fuzz.cpp, as fuzz/CMakeLists.txt builds them
  for f in fuzz/*_fuzz.cpp; do n=${f#fuzz/}; harnesses+=("${n%_fuzz.cpp}"); done
fi

command -v clang++ >/dev/null || { echo "fuzz.sh: needs clang++ (scripts/install-deps.sh)" >&2; exit 2; }
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DSRF_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DBUILD_TESTING=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target srf_fuzzers >&2

dir=build-fuzz/fuzz
mkdir -p "$dir/logs" "$dir/fuzz-artifacts"
run_one() {
  local name=$1 seeds=fuzz/corpus/$1 regressions=fuzz/regressions/$1
  mkdir -p "$dir/work/$name/corpus"
  local extra=()
  [ -d "$regressions" ] && extra+=("$regressions")
  [ -f "fuzz/$name.dict" ] && extra=(-dict="fuzz/$name.dict" "${extra[@]}")
  # -rss_limit_mb: an input needing more than 2 GiB is a finding (out-of-memory).
  "$dir/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/fuzz-artifacts/$name-" "$dir/work/$name/corpus" "$seeds" "${extra[@]}" \
    >"$dir/logs/$name.log" 2>&1 && echo 0 >"$dir/logs/$name.rc" || echo $? >"$dir/logs/$name.rc"
}
echo "fuzz.sh: ${#harnesses[@]} harness(es), ${seconds} s each, ${jobs} at once" >&2
running=0
for name in "${harnesses[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if ((running >= jobs)); then wait -n || true; running=$((running - 1)); fi
done
wait

status=0
printf '| harness | seconds | executions | finding |\n|---|---:|---:|---|\n'
for name in "${harnesses[@]}"; do
  log=$dir/logs/$name.log
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -n1)
  time_s=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}' | tail -n1)
  finding=none
  if [ "$(cat "$dir/logs/$name.rc")" != 0 ]; then
    status=1
    finding=$(grep -m1 -oE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [^ ]+|runtime error: .*|property violated: .*|terminate called .*' "$log" || echo "exit $(cat "$dir/logs/$name.rc")")
    finding="$finding ($(grep -o 'Test unit written to .*' "$log" | awk '{print $5}'))"
  fi
  printf '| %s | %s | %s | %s |\n' "$name" "${time_s:-$seconds}" "${execs:-?}" "$finding"
done
exit $status
