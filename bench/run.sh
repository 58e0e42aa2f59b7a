#!/usr/bin/env bash
# Foundation benchmarks, all on 127.0.0.1, one run: the Beast "200 OK" ceiling server, mcpgw's
# GET /health, and mcpgw's authenticated GET /v1/whoami (JWT and API token), under wrk; then the
# daemon's idle RSS. Prints a Markdown table for bench/RESULTS.md.
# Targets are measured in interleaved rounds (ceiling, health, ... then again) and each figure is
# the median over the rounds, so drift on a shared machine hits every target alike.
#   bench/run.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
rounds=${3:-3}
scripts/setup.sh --tests
scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

out=bench/out
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for "listening on ...:PORT" in FILE and prints PORT.
port_from() { for _ in $(seq 200); do p=$(grep -oE 'listening on [^ ]*:[0-9]+' "$1" 2>/dev/null | grep -oE '[0-9]+$' | head -1); [[ -n "$p" ]] && { echo "$p"; return 0; }; sleep 0.05; done; echo "no listening line in $1" >&2; return 1; }
wait_http() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.05; done; echo "no answer from $1" >&2; return 1; }

build/bench/bench_ceiling 0 2 >"$out/ceiling.log" & pids+=($!)
ceiling_port=$(port_from "$out/ceiling.log")

cat >"$work/mcpgw.yaml" <<YAML
server:
  port: 0
  workers: 2
database:
  path: $work/data/mcpgw.db
logging:
  level: info
  access_log: ${MCPGW_BENCH_ACCESS_LOG:-true}
YAML
build/src/mcpgw serve -c "$work/mcpgw.yaml" >/dev/null 2>"$out/mcpgw.log" & gw_pid=$!; pids+=($gw_pid)
gw_port=$(port_from "$out/mcpgw.log")
wait_http "http://127.0.0.1:$ceiling_port/health"
wait_http "http://127.0.0.1:$gw_port/health"
sleep 1
idle_rss_kb=$(ps -o rss= -p "$gw_pid" | tr -d ' ')

jwt=$(build/src/mcpgw token create --sub bench --scope mcp -c "$work/mcpgw.yaml")
api=$(build/src/mcpgw token create --opaque --sub bench --scope mcp -c "$work/mcpgw.yaml" 2>/dev/null)

# wrk: 1 thread (the server gets the other core), $conns connections, latency percentiles.
run_wrk() {  # NAME URL [LUA]
  local name=$1 url=$2 lua=${3:-}
  wrk -t1 -c"$conns" -d"${secs}s" --latency ${lua:+-s "$lua"} "$url" >"$out/$name.$round.txt"
}
# Warm up, then measure.
wrk -t1 -c"$conns" -d2s "http://127.0.0.1:$ceiling_port/health" >/dev/null
wrk -t1 -c"$conns" -d2s "http://127.0.0.1:$gw_port/health" >/dev/null
targets=(ceiling health whoami_jwt whoami_api_token)
for round in $(seq "$rounds"); do
  run_wrk ceiling "http://127.0.0.1:$ceiling_port/health"
  run_wrk health "http://127.0.0.1:$gw_port/health"
  TOKEN=$jwt run_wrk whoami_jwt "http://127.0.0.1:$gw_port/v1/whoami" bench/auth.lua
  TOKEN=$api run_wrk whoami_api_token "http://127.0.0.1:$gw_port/v1/whoami" bench/auth.lua
done

# Latencies in microseconds, whatever unit wrk printed.
to_us() { awk '{v=$1; if (v ~ /ms$/) {sub(/ms$/,"",v); v*=1000} else if (v ~ /us$/) {sub(/us$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000000}; printf "%.0f\n", v}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
stat_of() {  # NAME rps|p50|p99
  for f in "$out/$1".*.txt; do
    case $2 in
      rps) awk '/^Requests\/sec/ {print $2}' "$f" ;;
      p50) awk '$1 == "50%" {print $2}' "$f" | to_us ;;
      p99) awk '$1 == "99%" {print $2}' "$f" | to_us ;;
    esac
  done | median
}
errors() { cat "$out/$1".*.txt | awk '/Non-2xx|Socket errors/' | sort -u | tr '\n' ' '; }
base=$(stat_of ceiling rps)
echo "| target | requests/s (median of $rounds) | ratio to ceiling | p50 µs | p99 µs | errors |"
echo "|---|---|---|---|---|---|"
for n in "${targets[@]}"; do
  r=$(stat_of "$n" rps)
  printf '| %s | %.0f | %.2f | %s | %s | %s |\n' "$n" "$r" "$(awk -v a="$r" -v b="$base" 'BEGIN {print a / b}')" \
    "$(stat_of "$n" p50)" "$(stat_of "$n" p99)" "$(errors "$n")"
done
echo
echo "idle RSS after start: $((idle_rss_kb / 1024)) MiB ($idle_rss_kb KiB)"
echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/^Mem/ {print $2}') GiB, Linux $(uname -r); wrk -t1 -c$conns -d${secs}s x $rounds rounds; access log ${MCPGW_BENCH_ACCESS_LOG:-true}"
