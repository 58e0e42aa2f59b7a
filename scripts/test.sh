#!/usr/bin/env bash
# Sets up and runs every test: unit tests (ctest) and the end-to-end suite against the built
# daemon, first in a warnings-as-errors build, then again under ASan+UBSan.
#   MCPGW_SANITIZERS=0 scripts/test.sh   skips the sanitizer pass
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests

run_suite() {  # DIR
  local dir=$1
  echo "== unit tests ($dir)"
  ctest --test-dir "$dir" --output-on-failure -j2
  echo "== end-to-end tests ($dir)"
  MCPGW_BIN="$PWD/$dir/src/mcpgw" node --test tests/e2e/*.test.mjs
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
echo "== all tests passed"
