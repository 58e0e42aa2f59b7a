#!/usr/bin/env bash
# Issue 11: a modern (2026-07-28) stateless tools/call through mcpgw against the same call in the
# legacy era on one session, same upstream, same run: the fast C++ MCP upstream
# (bench/mcp_echo_server.cpp, legacy, answers in SSE), relayed by mcpgw. Also the call directly
# to the upstream, as the ceiling. Targets interleave over ROUNDS; figures are medians.
#   bench/modern_run.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_init "$@"

bench_setup bench/out/modern
start_gw mcpgw
admin=$(build/src/mcpgw token create --sub bench --scope admin -c "$work/mcpgw.yaml")
user=$(build/src/mcpgw token create --sub bench --scope mcp -c "$work/mcpgw.yaml")
build/bench/bench_mcp_echo 0 1 >"$out/fast.log" 2>&1 & pids+=($!)
fast_url="http://127.0.0.1:$(port_from "$out/fast.log")/mcp"
curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"name\":\"fast\",\"url\":\"$fast_url\"}" "http://127.0.0.1:$gw_port/v1/gateways"
gw_url="http://127.0.0.1:$gw_port/mcp"
accept='application/json, text/event-stream'

sid=$(curl -si -H "Authorization: Bearer $user" -H 'Content-Type: application/json' -H "Accept: $accept" \
  -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
  "$gw_url" | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}' | tr -d '\r')
[[ -n "$sid" ]] || { echo "no session" >&2; exit 1; }
curl -sf -o /dev/null -H "Authorization: Bearer $user" -H 'Content-Type: application/json' -H "Accept: $accept" \
  -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25' \
  -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$gw_url"

direct_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'
legacy_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fast__echo","arguments":{"message":"hello"}}}'
modern_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fast__echo","arguments":{"message":"hello"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}'
check() {  # URL BODY [headers...]
  local url=$1 body=$2
  shift 2
  curl -sf -H "Authorization: Bearer $user" -H 'Content-Type: application/json' -H "Accept: $accept" "$@" \
    -d "$body" "$url" | grep -q 'Echo: hello' || { echo "tools/call echo failed at $url ($*)" >&2; exit 1; }
}
check "$fast_url" "$direct_body"
check "$gw_url" "$legacy_body" -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25'
check "$gw_url" "$modern_body" -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: fast__echo'

run_wrk() { mcp_wrk "$@" ACCEPT="$accept"; }  # NAME URL [VAR=VALUE...]
for round in $(seq "$rounds"); do
  run_wrk direct "$fast_url" TOKEN=none BODY="$direct_body" SESSION=
  run_wrk legacy_session "$gw_url" TOKEN="$user" BODY="$legacy_body" SESSION="$sid"
  run_wrk modern_stateless "$gw_url" TOKEN="$user" BODY="$modern_body" SESSION= \
    MODERN=2026-07-28 METHOD=tools/call NAME=fast__echo
done
report "$rounds" direct legacy_session modern_stateless
echo "(modern / legacy: $(awk -v m="$(stat_of modern_stateless rps)" -v l="$(stat_of legacy_session rps)" 'BEGIN {printf "%.2f", m / l}'))"
echo "machine: $(machine); wrk -t1 -c$conns -d${secs}s x $rounds rounds"
