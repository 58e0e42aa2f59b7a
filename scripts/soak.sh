#!/usr/bin/env bash
# Soak: the release build under a mixed workload (tests/e2e/soak.mjs) for MINUTES (default 30),
# one CSV row per minute into bench/out/soak-<UTC time>.csv, plotted to a PNG beside it with
# gnuplot (RSS, descriptors, CPU, errors). Exits non-zero when the daemon did not end cleanly.
#   scripts/soak.sh [MINUTES] [SAMPLE_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
sample=${2:-60}
scripts/setup.sh --tests --soak
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
mkdir -p bench/out
csv="bench/out/soak-$(date -u +%Y%m%dT%H%M%SZ).csv"
MCPGW_BIN="$PWD/build/src/mcpgw" node tests/e2e/soak.mjs "$minutes" "$csv" "$sample"
gnuplot <<GP
set datafile separator ','
set terminal pngcairo size 1000,700
set output '${csv%.csv}.png'
set multiplot layout 3,1 title 'mcpgw soak: ${minutes} min'
set key autotitle columnhead
set xlabel 'minute'
set ylabel 'MiB'
plot '$csv' using 1:(\$2/1024) with linespoints title 'RSS'
set ylabel 'count'
plot '$csv' using 1:3 with linespoints title 'open fds', '' using 1:6 with lines title 'relay errors', \
  '' using 1:8 with lines title 'rest errors', '' using 1:10 with lines title 'modern errors', \
  '' using 1:12 with lines title 'admin errors', '' using 1:14 with lines title 'resume errors'
set ylabel '% of a core'
plot '$csv' using 1:4 with linespoints title 'CPU'
unset multiplot
GP
echo "soak: $csv and ${csv%.csv}.png"
