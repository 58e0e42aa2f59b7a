#!/usr/bin/env bash
# Sets up and runs every test: unit tests (ctest) and the end-to-end suite against the built
# daemon, first in a warnings-as-errors build on each engine (SQLite, then PostgreSQL: a cluster
# of its own in a temp dir, scripts/pg_cluster.sh), then again under ASan+UBSan (every suite on
# SQLite, the unit tests on PostgreSQL too), then the fuzzers.
#   MCPGW_SANITIZERS=0 scripts/test.sh   skips the sanitizer pass (not in CI)
#   MCPGW_FUZZERS=0 scripts/test.sh      skips the fuzzers (not in CI)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests

# A skipped or not-run test fails the run: a test that did not run proved nothing.
# The engine is the environment's: MCPGW_TEST_POSTGRES_URL set runs every store on PostgreSQL.
run_unit() {  # DIR ENGINE
  local dir=$1 engine=$2
  echo "== unit tests ($dir, $engine)"
  ctest --test-dir "$dir" --output-on-failure -j2 | tee "$dir/ctest-$engine.out"
  if grep -q "The following tests did not run" "$dir/ctest-$engine.out"; then
    echo "test: unit tests did not run (see above): a skipped test is a failed test" >&2
    exit 1
  fi
}
run_e2e() {  # DIR ENGINE
  local dir=$1 engine=$2 tap="$1/e2e-$2.tap"
  echo "== end-to-end tests ($dir, $engine)"
  MCPGW_BIN="$PWD/$dir/src/mcpgw" node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" tests/e2e/*.test.mjs
  if ! grep -qx "# skipped 0" "$tap" || ! grep -qx "# todo 0" "$tap"; then
    echo "test: end-to-end tests were skipped: a skipped test is a failed test" >&2
    grep -E "# (SKIP|TODO)" "$tap" >&2 || true
    exit 1
  fi
}

# One PostgreSQL cluster for the run (fsync off: the tests kill mcpgw, never the machine),
# stopped by its PID at exit.
pg_dir=$(mktemp -d /tmp/mcpgw-pg.XXXXXX)
trap 'scripts/pg_cluster.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
PG_FSYNC=off scripts/pg_cluster.sh start "$pg_dir" >/dev/null
pg_url=$(scripts/pg_cluster.sh url "$pg_dir")
# The SQLite passes' multi-node tests (tests/e2e/lib/cluster.mjs) use it too, instead of each
# test file starting a cluster of its own.
export MCPGW_TEST_CLUSTER_POSTGRES_URL=$pg_url

(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)

scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCPGW_WERROR=ON
run_unit build sqlite
run_e2e build sqlite
MCPGW_TEST_POSTGRES_URL=$pg_url run_unit build postgresql
MCPGW_TEST_POSTGRES_URL=$pg_url run_e2e build postgresql

if [[ "${MCPGW_SANITIZERS:-1}" != "0" ]]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DMCPGW_WERROR=ON -DMCPGW_SANITIZE=ON \
    -DMCPGW_BUILD_BENCH=OFF
  run_unit build-asan sqlite
  run_e2e build-asan sqlite
  MCPGW_TEST_POSTGRES_URL=$pg_url run_unit build-asan postgresql
fi
# Every libFuzzer harness (tests/fuzz) for a bounded time on every run; scripts/fuzz.sh alone
# runs them longer.
if [[ "${MCPGW_FUZZERS:-1}" != "0" ]]; then
  echo "== fuzzers (build-fuzz, ${MCPGW_FUZZ_SECONDS:-30} s each)"
  scripts/fuzz.sh "${MCPGW_FUZZ_SECONDS:-30}"
fi
echo "== all tests passed"
