#!/usr/bin/env bash
# Several nodes (issue 13), all on 127.0.0.1, one run: relayed tools/call through one mcpgw node
# against the same call through haproxy (docker/haproxy.cfg, round robin, no stickiness) in front
# of one node and in front of two, every node on one PostgreSQL 15 (a fresh cluster, fsync on)
# with transport.event_store: database (sessions shared), the fast C++ upstream (bench_mcp_echo)
# behind them. One session, opened on node 1: through haproxy and two nodes its requests
# alternate between them. Clients ask for JSON, then for JSON or SSE (the SSE answer is committed
# to PostgreSQL before it is sent). Targets interleave over ROUNDS; figures are medians.
#   bench/cluster_run.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_init "$@"
bench_setup bench/out/cluster

chmod 711 "$work"  # PostgreSQL runs as a user of its own (CI runs as root): it must reach its dir
scripts/pg_cluster.sh start "$work/pg" >/dev/null
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; scripts/pg_cluster.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
pg_url=$(scripts/pg_cluster.sh url "$work/pg")
psql -X -q "$pg_url" -c "CREATE DATABASE bench_cluster"
db_url="${pg_url%/postgres}/bench_cluster"
# The daemon reads the password from a file, never from its URL.
split_url() {  # URL PART: "password" or the URL without it
  python3 - "$1" "$2" <<'PY'
import sys, urllib.parse as u
s = u.urlsplit(sys.argv[1])
if sys.argv[2] == "password":
    print(u.unquote(s.password))
else:
    print(s._replace(netloc=f"{s.username}@{s.hostname}:{s.port}").geturl())
PY
}
(umask 077 && split_url "$db_url" password >"$work/pg.password")
bare_url=$(split_url "$db_url" url)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/jwt.secret"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/credentials.key"
chmod 600 "$work/jwt.secret" "$work/credentials.key"

# A node on the shared database: NAME; sets node_port.
start_node() {
  local name=$1
  cat >"$work/$name.yaml" <<YAML
server:
  port: 0
  workers: ${MCPGW_BENCH_WORKERS:-2}
database:
  url: $bare_url
  password_file: $work/pg.password
  credentials_key_file: $work/credentials.key
auth:
  jwt_secret_file: $work/jwt.secret
transport:
  event_store: database
logging:
  access_log: ${MCPGW_BENCH_ACCESS_LOG:-true}
YAML
  build/src/mcpgw serve -c "$work/$name.yaml" >/dev/null 2>"$out/$name.log" &
  pids+=($!)
  node_port=$(port_from "$out/$name.log")
}
start_node node1
port1=$node_port
start_node node2
port2=$node_port

# haproxy with the repository's configuration on a free port: NAME NODE1 NODE2 NODE3 (a node
# that listens nowhere is marked down by the health check and leaves the rotation); sets lb_port.
start_lb() {
  local name=$1
  lb_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MCPGW_LB_BIND="127.0.0.1:$lb_port" MCPGW_NODE1=$2 MCPGW_NODE2=$3 MCPGW_NODE3=$4 MCPGW_LB_MAXCONN=4096 \
    haproxy -db -f docker/haproxy.cfg >"$out/$name.log" 2>&1 &
  pids+=($!)
}
dead=127.0.0.1:9  # discard: nothing listens
start_lb lb_one "127.0.0.1:$port1" "$dead" "$dead"
lb_one=$lb_port
start_lb lb_two "127.0.0.1:$port1" "127.0.0.1:$port2" "$dead"
lb_two=$lb_port
for lb in lb_one lb_two; do  # the dead servers out of the rotation before anything is measured
  want=$([[ $lb == lb_one ]] && echo 2 || echo 1)
  for _ in $(seq 100); do [[ $(grep -c 'is DOWN' "$out/$lb.log" || true) -ge $want ]] && break; sleep 0.1; done
  [[ $(grep -c 'is DOWN' "$out/$lb.log" || true) -ge $want ]] || { echo "$lb: dead servers not down" >&2; exit 1; }
done

build/bench/bench_mcp_echo 0 1 >"$out/fast.log" 2>&1 & pids+=($!)
fast_url="http://127.0.0.1:$(port_from "$out/fast.log")/mcp"
admin=$(build/src/mcpgw token create --sub bench --scope admin -c "$work/node1.yaml")
user=$(build/src/mcpgw token create --sub bench --scope mcp -c "$work/node1.yaml")
curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"name\":\"fast\",\"url\":\"$fast_url\"}" "http://127.0.0.1:$port1/v1/gateways"

both='application/json, text/event-stream'
sid=$(curl -si -H "Authorization: Bearer $user" -H 'Content-Type: application/json' -H "Accept: $both" \
  -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
  "http://127.0.0.1:$port1/mcp" | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}' | tr -d '\r')
[[ -n "$sid" ]] || { echo "no session" >&2; exit 1; }
body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fast__echo","arguments":{"message":"hello"}}}'
direct_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'
# Each target answers the call (node 2 once its catalog has the gateway) before anything is timed.
for url in "http://127.0.0.1:$port1/mcp" "http://127.0.0.1:$port2/mcp" "http://127.0.0.1:$lb_one/mcp" "http://127.0.0.1:$lb_two/mcp"; do
  for _ in $(seq 100); do
    curl -sf -H "Authorization: Bearer $user" -H 'Content-Type: application/json' -H "Accept: $both" \
      -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25' -d "$body" "$url" 2>/dev/null \
      | grep -q 'hello' && continue 2
    sleep 0.1
  done
  echo "tools/call failed at $url" >&2
  exit 1
done

for round in $(seq "$rounds"); do
  for mode in json sse; do
    accept=$([[ $mode == json ]] && echo application/json || echo "$both")
    mcp_wrk "direct_$mode" "$fast_url" TOKEN=none BODY="$direct_body" SESSION= ACCEPT="$accept"
    mcp_wrk "node_$mode" "http://127.0.0.1:$port1/mcp" TOKEN="$user" BODY="$body" SESSION="$sid" ACCEPT="$accept"
    mcp_wrk "lb1_$mode" "http://127.0.0.1:$lb_one/mcp" TOKEN="$user" BODY="$body" SESSION="$sid" ACCEPT="$accept"
    mcp_wrk "lb2_$mode" "http://127.0.0.1:$lb_two/mcp" TOKEN="$user" BODY="$body" SESSION="$sid" ACCEPT="$accept"
  done
done
for mode in json sse; do
  echo "client accepts: $([[ $mode == json ]] && echo JSON || echo 'JSON and SSE')"
  report "$rounds" "direct_$mode" "node_$mode" "lb1_$mode" "lb2_$mode"
  echo "(haproxy and 2 nodes against 1 node: $(awk -v a="$(stat_of "lb2_$mode" rps)" -v b="$(stat_of "node_$mode" rps)" 'BEGIN {printf "%.2f", a / b}')x;" \
    "against haproxy and 1 node: $(awk -v a="$(stat_of "lb2_$mode" rps)" -v b="$(stat_of "lb1_$mode" rps)" 'BEGIN {printf "%.2f", a / b}')x)"
  echo
done
[[ ${MCPGW_BENCH_ACCESS_LOG:-true} == true ]] && echo "requests node 1 / node 2 served: $(grep -c " POST /mcp " "$out/node1.log" || true) / $(grep -c " POST /mcp " "$out/node2.log" || true)"
echo "machine: $(machine); wrk -t1 -c$conns -d${secs}s x $rounds rounds; PostgreSQL 15 fsync on"
