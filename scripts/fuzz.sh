#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (the `fuzz` CMake preset: clang, ASan + UBSan, in
# build-fuzz/) and runs each for SECONDS (default 30), two at a time, then prints one line per
# harness. Exits non-zero when any harness crashed, leaked, timed out, ran out of memory or did
# not start.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]      (default: every harness, fuzz_harnesses.txt)
# Per harness: the seeds of tests/fuzz/corpus/<name>/ are copied into
# build-fuzz/corpus-work/<name>/ (which keeps what earlier runs found; the seeds in git are not
# touched), tests/fuzz/dict/<name>.dict is the dictionary, the log is build-fuzz/logs/<name>.log
# and crash, leak and timeout inputs go to build-fuzz/artifacts/<name>/. Replay one with
#   build-fuzz/tests/fuzz/fuzz_<name> build-fuzz/artifacts/<name>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}

seconds=30
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
jobs=${FUZZ_PARALLEL:-2}  # harnesses at a time (one core each)
build=build-fuzz

scripts/setup.sh --fuzz
cmake --preset fuzz >/dev/null
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}"

mapfile -t known <"$build/fuzz_harnesses.txt"
harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  harnesses=("${known[@]}")
fi
for h in "${harnesses[@]}"; do
  if [[ ! " ${known[*]} " == *" $h "* ]]; then
    echo "fuzz: unknown harness '$h' (known: ${known[*]})" >&2
    exit 2
  fi
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$build/logs" "$build/corpus-work" "$build/artifacts"

# One harness, in the background: its exit status goes to logs/<name>.rc.
run_one() {
  local h=$1 work="$build/corpus-work/$1" art="$build/artifacts/$1"
  mkdir -p "$work" "$art"
  cp -R tests/fuzz/corpus/"$h"/. "$work"/
  local rc=0
  "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -dict="tests/fuzz/dict/$h.dict" -artifact_prefix="$art/" \
    "$work" </dev/null >"$build/logs/$h.log" 2>&1 || rc=$?
  echo "$rc" >"$build/logs/$h.rc"
}

# What a finished harness's log says, as one line; false when it failed.
summarize() {
  local h=$1 log="$build/logs/$1.log" rc
  rc=$(cat "$build/logs/$h.rc" 2>/dev/null || echo 127)
  local execs rate cov ft status artifacts
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  artifacts=$(grep -o "Test unit written to [^ ]*" "$log" | sed 's/Test unit written to //' |
    tr '\n' ' ' || true)
  status=ok
  if ((rc != 0)); then
    if grep -q 'ERROR: libFuzzer: timeout' "$log"; then status=TIMEOUT
    elif grep -q 'ERROR: LeakSanitizer' "$log"; then status=LEAK
    elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then status=OOM
    elif grep -q 'INFO: Seed:' "$log"; then status=CRASH
    else status=NO-START
    fi
  fi
  printf 'fuzz: %-16s %-8s execs=%s exec/s=%s cov=%s ft=%s crashes=%s %s\n' "$h" "$status" \
    "${execs:-0}" "${rate:-0}" "${cov:-?}" "${ft:-?}" "$(wc -w <<<"$artifacts")" "$artifacts"
  [[ $status == ok ]]
}

echo "fuzz: ${#harnesses[@]} harness(es), ${seconds}s each, $jobs at a time" >&2
running=0
for h in "${harnesses[@]}"; do
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
  rm -f "$build/logs/$h.rc"
  run_one "$h" &
  running=$((running + 1))
done
wait || true

# A failed harness's report (libFuzzer's and the sanitizer's, from the first ERROR line on) and
# each input it wrote, in base64, so that a CI log alone explains and reproduces the failure:
#   base64 -d >crash.bin <<<'...'; build-fuzz/tests/fuzz/fuzz_<name> crash.bin
explain() {
  local h=$1 log="$build/logs/$1.log" f
  echo "---- fuzz: $h: report ($log)" >&2
  { grep -m1 -n -E '^(==[0-9]+==ERROR|ERROR: libFuzzer|.*runtime error:|fuzz invariant failed|==[0-9]+==WARNING)' "$log" |
      cut -d: -f1 | xargs -r -I{} tail -n +{} "$log" || tail -n 60 "$log"; } | head -n 120 >&2
  for f in $(grep -o "Test unit written to [^ ]*" "$log" | sed 's/Test unit written to //'); do
    [[ -f $f ]] || continue
    echo "---- fuzz: $h: input $(basename "$f") ($(stat -c %s "$f") bytes), base64:" >&2
    head -c 65536 "$f" | base64 -w 100 >&2
  done
}

failed=0
for h in "${harnesses[@]}"; do
  summarize "$h" || { failed=$((failed + 1)); explain "$h"; }
done
if ((failed > 0)); then
  echo "fuzz: $failed harness(es) failed; logs in $build/logs/, inputs in $build/artifacts/" >&2
  exit 1
fi
