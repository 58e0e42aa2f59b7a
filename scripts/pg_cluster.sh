#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks, on 127.0.0.1 only, in a directory of
# its own, run as a non-root user (PostgreSQL refuses to run as root; CI runs as root, so the
# cluster then belongs to the `postgres` user that Debian's package creates).
#   scripts/pg_cluster.sh start DIR   initdb + start; prints the URL (also in DIR/url)
#   scripts/pg_cluster.sh stop DIR    fast shutdown (by the postmaster's PID)
#   scripts/pg_cluster.sh url DIR     prints the URL
#   scripts/pg_cluster.sh restart DIR starts a stopped cluster again, on its port
# PG_FSYNC=off start ...  trades durability across a machine crash for speed (tests only; the
# benchmarks keep fsync on).
set -euo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop|url DIR}
dir=${2:?usage: pg_cluster.sh start|stop|url DIR}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$pgbin/initdb" ]] || { echo "pg_cluster: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
    password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$password" > "$dir/password"
    chmod 600 "$dir/password"
    [[ "$(id -u)" == 0 ]] && chown postgres: "$dir/password"
    as_owner "$pgbin/initdb" -D "$dir/data" -U mcpgw --pwfile="$dir/password" \
      --auth=scram-sha-256 --no-locale -E UTF8 >"$dir/initdb.log"
    # A free loopback port, chosen by the kernel.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir \
      -c fsync=${PG_FSYNC:-on} -c max_connections=300 -c shared_buffers=64MB" > "$dir/options"
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "$(cat "$dir/options")" start >/dev/null
    echo "postgresql://mcpgw:$password@127.0.0.1:$port/postgres" > "$dir/url"
    cat "$dir/url"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
        kill -9 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null || true
    fi
    ;;
  restart)
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "$(cat "$dir/options")" start >/dev/null
    ;;
  url)
    cat "$dir/url"
    ;;
  *)
    echo "pg_cluster: unknown command $cmd" >&2
    exit 2
    ;;
esac
