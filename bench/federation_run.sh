#!/usr/bin/env bash
# Federation benchmark (issue 4), all on 127.0.0.1, one run, two upstreams:
#  - fast: bench_mcp_echo (C++, one thread, JSON answers, no sessions), an upstream that costs
#    next to nothing, so that what mcpgw adds shows;
#  - everything: npm server-everything (Node, SSE answers, one session), a real SDK server.
# For each, tools/call echo directly against the same call through mcpgw (a session with mcpgw,
# which relays it in its upstream session). Clients ask for JSON or SSE, as MCP clients do.
# Targets interleave over ROUNDS and figures are medians, as in bench/run.sh.
#   bench/federation_run.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_init "$@"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

bench_setup bench/out/federation
everything=tests/e2e/node_modules/@modelcontextprotocol/server-everything/dist/index.js
PORT=0 node --require ./tests/e2e/lib/loopback_listen.cjs "$everything" streamableHttp \
  >"$out/upstream.log" 2>&1 & pids+=($!)
for _ in $(seq 200); do grep -q MCPGW_TEST_LISTENING "$out/upstream.log" && break; sleep 0.05; done
up_port=$(awk '/MCPGW_TEST_LISTENING/ {print $2; exit}' "$out/upstream.log")
[[ -n "$up_port" ]] || { echo "server-everything did not start" >&2; exit 1; }
up_url="http://127.0.0.1:$up_port/mcp"

start_gw mcpgw
admin=$(build/src/mcpgw token create --sub bench --scope admin -c "$work/mcpgw.yaml")
user=$(build/src/mcpgw token create --sub bench --scope mcp -c "$work/mcpgw.yaml")
curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"name\":\"everything\",\"url\":\"$up_url\"}" "http://127.0.0.1:$gw_port/v1/gateways"
build/bench/bench_mcp_echo 0 1 >"$out/fast.log" 2>&1 & pids+=($!)
fast_url="http://127.0.0.1:$(port_from "$out/fast.log")/mcp"
curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"name\":\"fast\",\"url\":\"$fast_url\"}" "http://127.0.0.1:$gw_port/v1/gateways"

accept='application/json, text/event-stream'
# initialize + notifications/initialized; prints the session id.
open_session() {  # URL TOKEN
  local sid
  sid=$(curl -si -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -H "Accept: $accept" \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
    "$1" | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}' | tr -d '\r')
  [[ -n "$sid" ]] || { echo "no session from $1" >&2; return 1; }
  curl -sf -o /dev/null -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -H "Accept: $accept" \
    -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25' \
    -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$1"
  echo "$sid"
}
direct_sid=$(open_session "$up_url" none)
gw_sid=$(open_session "http://127.0.0.1:$gw_port/mcp" "$user")
direct_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'
gw_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"hello"}}}'
gw_fast_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fast__echo","arguments":{"message":"hello"}}}'
for check in "$up_url none $direct_sid $direct_body" "http://127.0.0.1:$gw_port/mcp $user $gw_sid $gw_body" \
  "$fast_url none - $direct_body" "http://127.0.0.1:$gw_port/mcp $user $gw_sid $gw_fast_body"; do
  read -r url token sid body <<<"$check"
  [[ $sid == - ]] && sid=
  curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -H "Accept: $accept" \
    -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25' -d "$body" "$url" \
    | grep -q 'Echo: hello' || { echo "tools/call echo failed at $url" >&2; exit 1; }
done

run_wrk() { mcp_wrk "$@" ACCEPT="$accept"; }  # NAME URL [VAR=VALUE...]
for round in $(seq "$rounds"); do
  run_wrk fast_direct "$fast_url" TOKEN=none BODY="$direct_body" SESSION=
  run_wrk fast_via_mcpgw "http://127.0.0.1:$gw_port/mcp" TOKEN="$user" BODY="$gw_fast_body" SESSION="$gw_sid"
  run_wrk echo_direct "$up_url" TOKEN=none BODY="$direct_body" SESSION="$direct_sid"
  run_wrk echo_via_mcpgw "http://127.0.0.1:$gw_port/mcp" TOKEN="$user" BODY="$gw_body" SESSION="$gw_sid"
done
report "$rounds" fast_direct fast_via_mcpgw
echo "(fast upstream: added p50: $(( $(stat_of fast_via_mcpgw p50) - $(stat_of fast_direct p50) )) µs)"
echo
report "$rounds" echo_direct echo_via_mcpgw
echo "(tools/call echo: directly to server-everything vs through mcpgw; added p50: $(( $(stat_of echo_via_mcpgw p50) - $(stat_of echo_direct p50) )) µs)"
echo "machine: $(machine); wrk -t1 -c$conns -d${secs}s x $rounds rounds"
