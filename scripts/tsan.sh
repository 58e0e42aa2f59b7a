#!/usr/bin/env bash
# ThreadSanitizer pass: builds build-tsan/ (GCC, -fsanitize=thread) and runs the unit tests and
# the end-to-end suites against it. Not part of scripts/test.sh (the CI budget does not hold a
# third full build and an e2e pass at TSan's slowdown): run it before landing any change to
# threads, strands, locks or the request path, as the README says.
#   scripts/tsan.sh            everything
#   scripts/tsan.sh unit       unit tests only
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
scripts/build.sh build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCPGW_WERROR=ON -DMCPGW_TSAN=ON \
  -DMCPGW_BUILD_BENCH=OFF
# halt_on_error: a race fails the test that hit it (the daemon exits 66, which Daemon.cleanup()
# reports with the race, as it does any sanitizer report).
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 history_size=4 suppressions=$PWD/tests/tsan.supp"
echo "== unit tests (build-tsan)"
ctest --test-dir build-tsan --output-on-failure -j2
if [[ "${1:-}" != "unit" ]]; then
  echo "== end-to-end tests (build-tsan)"
  MCPGW_BIN="$PWD/build-tsan/src/mcpgw" node --test tests/e2e/*.test.mjs
fi
echo "== ThreadSanitizer: clean"
