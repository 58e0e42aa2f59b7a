#!/usr/bin/env bash
# Configures and builds into DIR (default build/). Extra arguments go to cmake.
#   scripts/build.sh [DIR] [-DOPTION=VALUE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
ninja -C "$dir"
