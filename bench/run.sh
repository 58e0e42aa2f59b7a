#!/usr/bin/env bash
# Foundation benchmarks, all on 127.0.0.1, one run: the Beast "200 OK" ceiling server, mcpgw's
# GET /health, and mcpgw's authenticated GET /v1/whoami (JWT and API token), under wrk; then the
# daemon's idle RSS. Prints a Markdown table for bench/RESULTS.md.
# Targets are measured in interleaved rounds (ceiling, health, ... then again) and each figure is
# the median over the rounds, so drift on a shared machine hits every target alike.
#   bench/run.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_init "$@"

bench_setup bench/out

wait_http() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.05; done; echo "no answer from $1" >&2; return 1; }

build/bench/bench_ceiling 0 2 >"$out/ceiling.log" & pids+=($!)
ceiling_port=$(port_from "$out/ceiling.log")

start_gw mcpgw
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

report "$rounds" "${targets[@]}"
echo
echo "idle RSS after start: $((idle_rss_kb / 1024)) MiB ($idle_rss_kb KiB)"
echo "machine: $(machine); wrk -t1 -c$conns -d${secs}s x $rounds rounds; access log ${MCPGW_BENCH_ACCESS_LOG:-true}"
