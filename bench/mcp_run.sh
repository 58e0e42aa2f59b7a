#!/usr/bin/env bash
# MCP transport benchmarks (issue 3), all on 127.0.0.1, one run:
#  1. stateless JSON tools/list with 100 tools in the catalog, against the ceiling server serving
#     the identical response bytes without any MCP work;
#  2. session-ful ping (JSON) on one session;
#  3. RSS of the daemon with 10,000 idle sessions (bytes per session);
#  4. event-store append rate (memory vs SQLite) and replay of 1,000 events (bench_event_store);
#  5. a REST tool called through mcpgw (tools/call, stateless, JSON) against calling its upstream
#     (a second ceiling server answering {"status":"ok"}) directly.
# Targets interleave over ROUNDS and figures are medians, as in bench/run.sh.
#   bench/mcp_run.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_init "$@"

bench_setup bench/out/mcp
start_gw_mcp() {  # NAME STATEFUL
  start_gw "$1" "transport:
  stateful: $2
  max_sessions: 20000"
}

# 1. Stateless tools/list with 100 tools.
start_gw_mcp stateless false
stateless_port=$gw_port
stateless_pid=$gw_pid
admin=$(build/src/mcpgw token create --sub bench --scope admin -c "$work/stateless.yaml")
user=$(build/src/mcpgw token create --sub bench --scope mcp -c "$work/stateless.yaml")
for i in $(seq -w 1 100); do
  curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"name\":\"tool_$i\",\"description\":\"Benchmark tool number $i, which looks up something useful.\",\"integration_type\":\"REST\",\"url\":\"http://127.0.0.1:9/t$i\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"description\":\"what to look up\"}},\"required\":[\"q\"]}}" \
    "http://127.0.0.1:$stateless_port/v1/tools"
done
list_body='{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
curl -sf -H "Authorization: Bearer $user" -H 'Content-Type: application/json' -H 'Accept: application/json' \
  -d "$list_body" "http://127.0.0.1:$stateless_port/mcp" >"$out/tools_list.json"
[[ $(grep -o '"name":"tool_' "$out/tools_list.json" | wc -l) == 100 ]] || { echo "tools/list did not return 100 tools" >&2; exit 1; }
build/bench/bench_ceiling 0 2 "$out/tools_list.json" >"$out/ceiling.log" 2>&1 & pids+=($!)
ceiling_port=$(port_from "$out/ceiling.log")

# 5's upstream and tool.
build/bench/bench_ceiling 0 2 >"$out/upstream.log" 2>&1 & pids+=($!)
upstream_port=$(port_from "$out/upstream.log")
curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"name\":\"upstream_status\",\"integration_type\":\"REST\",\"request_type\":\"GET\",\"url\":\"http://127.0.0.1:$upstream_port/status\"}" \
  "http://127.0.0.1:$stateless_port/v1/tools"
call_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"upstream_status","arguments":{}}}'
curl -sf -H "Authorization: Bearer $user" -H 'Content-Type: application/json' -H 'Accept: application/json' \
  -d "$call_body" "http://127.0.0.1:$stateless_port/mcp" | grep -q '"text":"{\\"status\\":\\"ok\\"}"' \
  || { echo "tools/call through mcpgw did not return the upstream's body" >&2; exit 1; }

# 2. Session-ful ping.
start_gw_mcp stateful true
stateful_port=$gw_port
stateful_pid=$gw_pid
suser=$(build/src/mcpgw token create --sub bench --scope mcp -c "$work/stateful.yaml")
session=$(curl -si -H "Authorization: Bearer $suser" -H 'Content-Type: application/json' -H 'Accept: application/json' \
  -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
  "http://127.0.0.1:$stateful_port/mcp" | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}' | tr -d '\r')
[[ -n "$session" ]] || { echo "no session id" >&2; exit 1; }
ping_body='{"jsonrpc":"2.0","id":1,"method":"ping"}'

run_wrk() { mcp_wrk "$@"; }  # NAME URL [VAR=VALUE...]
for round in $(seq "$rounds"); do
  run_wrk ceiling "http://127.0.0.1:$ceiling_port/" TOKEN=x BODY="$list_body" SESSION=
  run_wrk tools_list "http://127.0.0.1:$stateless_port/mcp" TOKEN="$user" BODY="$list_body" SESSION=
  run_wrk ping "http://127.0.0.1:$stateful_port/mcp" TOKEN="$suser" BODY="$ping_body" SESSION="$session"
  wrk -t1 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$upstream_port/status" >"$out/rest_direct.$round.txt"
  run_wrk rest_via_mcpgw "http://127.0.0.1:$stateless_port/mcp" TOKEN="$user" BODY="$call_body" SESSION=
done

report "$rounds" ceiling tools_list ping
echo "(tools/list response: $(wc -c <"$out/tools_list.json") bytes; the ceiling serves those same bytes)"
echo
report "$rounds" rest_direct rest_via_mcpgw
echo "(REST tool: direct GET to the upstream vs tools/call through mcpgw; added p50: $(( $(stat_of rest_via_mcpgw p50) - $(stat_of rest_direct p50) )) µs)"

# 3. RSS with 10,000 idle sessions.
rss() { ps -o rss= -p "$1" | tr -d ' '; }
kill "$stateless_pid" 2>/dev/null || true
sleep 0.5
before=$(rss "$stateful_pid")
node bench/sessions.mjs "http://127.0.0.1:$stateful_port/mcp" "$suser" 10000 >"$out/sessions.json"
sleep 1
after=$(rss "$stateful_pid")
echo
echo "idle sessions: $(cat "$out/sessions.json"); RSS before $((before / 1024)) MiB, after $((after / 1024)) MiB: $(( (after - before) * 1024 / 10000 )) bytes per session"

# 4. Event stores.
echo
build/bench/bench_event_store "$work/events" 200000 2>/dev/null
echo
echo "machine: $(machine); wrk -t1 -c$conns -d${secs}s x $rounds rounds"
