# Shared by the bench scripts (sourced). Expects $out: the folder of wrk outputs NAME.ROUND.txt.

# [SECONDS] [CONNECTIONS] [ROUNDS] into $secs $conns $rounds; installs and builds what is measured.
bench_init() {
  secs=${1:-10}
  conns=${2:-64}
  rounds=${3:-3}
  scripts/setup.sh --tests
  scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
}

# Fresh output folder OUT, a scratch folder $work, and $pids killed (and $work removed) on exit.
bench_setup() {  # OUT
  out=$1
  rm -rf "$out"
  mkdir -p "$out"
  work=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}

# Waits for "listening on ...:PORT" in FILE and prints PORT.
port_from() {
  for _ in $(seq 200); do
    local p
    p=$(grep -oE 'listening on [^ ]*:[0-9]+' "$1" 2>/dev/null | grep -oE '[0-9]+$' | head -1)
    [[ -n "$p" ]] && { echo "$p"; return 0; }
    sleep 0.05
  done
  echo "no listening line in $1" >&2
  return 1
}
# Writes $work/NAME.yaml (any free port, 2 workers, its own database, the access log on unless
# MCPGW_BENCH_ACCESS_LOG=false, then EXTRA: more YAML sections) and starts mcpgw with it, its log
# in $out/NAME.log. Sets gw_port and gw_pid (no command substitution: the daemon would hold its
# pipe open and the substitution would never return).
start_gw() {  # NAME [EXTRA]
  local name=$1 extra=${2:-}
  cat >"$work/$name.yaml" <<YAML
server:
  port: 0
  workers: ${MCPGW_BENCH_WORKERS:-2}
database:
  path: $work/$name/mcpgw.db
logging:
  access_log: ${MCPGW_BENCH_ACCESS_LOG:-true}
$extra
YAML
  build/src/mcpgw serve -c "$work/$name.yaml" >/dev/null 2>"$out/$name.log" &
  gw_pid=$!
  pids+=($gw_pid)
  gw_port=$(port_from "$out/$name.log")
}
# One wrk run of bench/mcp_post.lua against URL for round $round, into $out/NAME.$round.txt; the
# rest are the script's variables (TOKEN=, BODY=, SESSION=, ACCEPT=, MODERN=, ...).
mcp_wrk() {  # NAME URL [VAR=VALUE...]
  local name=$1 url=$2
  shift 2
  env "$@" wrk -t1 -c"$conns" -d"${secs}s" --latency -s bench/mcp_post.lua "$url" >"$out/$name.$round.txt"
}
# Latencies in microseconds, whatever unit wrk printed.
to_us() { awk '{v=$1; if (v ~ /ms$/) {sub(/ms$/,"",v); v*=1000} else if (v ~ /us$/) {sub(/us$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000000}; printf "%.0f\n", v}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
stat_of() {  # NAME rps|p50|p99: the median over the rounds
  for f in "$out/$1".*.txt; do
    case $2 in
      rps) awk '/^Requests\/sec/ {print $2}' "$f" ;;
      p50) awk '$1 == "50%" {print $2}' "$f" | to_us ;;
      p99) awk '$1 == "99%" {print $2}' "$f" | to_us ;;
    esac
  done | median
}
errors() { cat "$out/$1".*.txt | awk '/Non-2xx|Socket errors/' | sort -u | tr '\n' ' '; }
# Prints the Markdown table of TARGETS against the first one (the ceiling).
report() {  # ROUNDS TARGET...
  local rounds=$1
  shift
  local base
  base=$(stat_of "$1" rps)
  echo "| target | requests/s (median of $rounds) | ratio to ceiling | p50 µs | p99 µs | errors |"
  echo "|---|---|---|---|---|---|"
  for n in "$@"; do
    local r
    r=$(stat_of "$n" rps)
    printf '| %s | %.0f | %.2f | %s | %s | %s |\n' "$n" "$r" "$(awk -v a="$r" -v b="$base" 'BEGIN {print a / b}')" \
      "$(stat_of "$n" p50)" "$(stat_of "$n" p99)" "$(errors "$n")"
  done
}
machine() { echo "$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/^Mem/ {print $2}') GiB, Linux $(uname -r)"; }
