#!/usr/bin/env bash
# Installs what mcpgw needs to build and run from Debian bookworm's packages.
#   scripts/setup.sh           build + run dependencies
#   scripts/setup.sh --tests   also what the tests and benchmarks use (Node.js + npm, curl, wrk,
#                              the sqlite3 shell, PostgreSQL 15 server and client)
#   scripts/setup.sh --fuzz    also clang and its sanitizer/libFuzzer runtimes (the fuzz preset)
#   scripts/setup.sh --soak    also gnuplot (scripts/soak.sh plots its figures)
# Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlitecpp-dev libsqlite3-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
  libssl-dev libjwt-dev libpq-dev catch2 ca-certificates
)
for arg in "$@"; do
  case "$arg" in
    --tests)
      packages+=(curl wrk procps python3 sqlite3 postgresql postgresql-client haproxy prometheus chromium)
      command -v node >/dev/null 2>&1 || packages+=(nodejs)
      command -v npm >/dev/null 2>&1 || packages+=(npm)
      ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    --soak) packages+=(gnuplot-nox) ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
