#!/usr/bin/env bash
# Sets up and runs every test: unit tests (ctest) and the end-to-end suite against the built
# daemon, first in a warnings-as-errors build, then again under ASan+UBSan, then the fuzzers.
#   MCPGW_SANITIZERS=0 scripts/test.sh   skips the sanitizer pass (not in CI)
#   MCPGW_FUZZERS=0 scripts/test.sh      skips the fuzzers (not in CI)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests

# A skipped or not-run test fails the run: a test that did not run proved nothing.
run_suite() {  # DIR
  local dir=$1
  echo "== unit tests ($dir)"
  ctest --test-dir "$dir" --output-on-failure -j2 | tee "$dir/ctest.out"
  if grep -q "The following tests did not run" "$dir/ctest.out"; then
    echo "test: unit tests did not run (see above): a skipped test is a failed test" >&2
    exit 1
  fi
  echo "== end-to-end tests ($dir)"
  MCPGW_BIN="$PWD/$dir/src/mcpgw" node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$dir/e2e.tap" tests/e2e/*.test.mjs
  if ! grep -qx "# skipped 0" "$dir/e2e.tap" || ! grep -qx "# todo 0" "$dir/e2e.tap"; then
    echo "test: end-to-end tests were skipped: a skipped test is a failed test" >&2
    grep -E "# (SKIP|TODO)" "$dir/e2e.tap" >&2 || true
    exit 1
  fi
}

(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)

scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCPGW_WERROR=ON
run_suite build

if [[ "${MCPGW_SANITIZERS:-1}" != "0" ]]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DMCPGW_WERROR=ON -DMCPGW_SANITIZE=ON \
    -DMCPGW_BUILD_BENCH=OFF
  run_suite build-asan
fi
# Every libFuzzer harness (tests/fuzz) for a bounded time on every run; scripts/fuzz.sh alone
# runs them longer.
if [[ "${MCPGW_FUZZERS:-1}" != "0" ]]; then
  echo "== fuzzers (build-fuzz, ${MCPGW_FUZZ_SECONDS:-30} s each)"
  scripts/fuzz.sh "${MCPGW_FUZZ_SECONDS:-30}"
fi
echo "== all tests passed"
