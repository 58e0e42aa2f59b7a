#!/usr/bin/env bash
# Configures and builds into DIR (default build/). Extra arguments go to cmake.
#   scripts/build.sh [DIR] [-DOPTION=VALUE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys on paths relative to the checkout, so clones in other places share the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
ninja -C "$dir"
