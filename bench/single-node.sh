# bench/single-node.sh: sourced (not run) by bench/partitions-1000.sh and bench/gc-pauses.sh. Starts one combined
# Sluice node on free loopback ports with the caller's JVM options, runs client commands under a wall-clock cap,
# parses G1 pauses from a unified GC log, and on exit stops exactly the processes it started (by pid) and deletes the
# node's data directory. The caller sets RUN_NAME before sourcing; logs stay in $RUN_DIR for diagnosis.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sluice-${RUN_NAME:-bench}.XXXXXX")"
NODE_PID=""
CHILD_PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_pid() { # pid: SIGTERM, wait up to 20 s, then SIGKILL
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

node_cleanup() {
  for pid in "${CHILD_PIDS[@]:-}"; do stop_pid "$pid"; done
  stop_pid "$NODE_PID"
  rm -rf "$RUN_DIR/data"
  echo "# logs: $RUN_DIR" >&2
}
trap node_cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/bin/sluice" --version >/dev/null  # builds the distribution once if needed
export SLUICE_SKIP_BUILD=1

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_node() { # java options...: starts the node, sets NODE_PID, BROKERS and HTTP_PORT, waits until ready
  local broker_port controller_port
  broker_port="$(free_port)"; controller_port="$(free_port)"; HTTP_PORT="$(free_port)"
  BROKERS="127.0.0.1:$broker_port"
  SLUICE_JAVA_OPTS="$*" setsid "$ROOT/bin/sluice" server --node-id 1 --data-dir "$RUN_DIR/data" \
    --host 127.0.0.1 --broker-port "$broker_port" --controller-port "$controller_port" --http-port "$HTTP_PORT" \
    --kafka-port 0 >"$RUN_DIR/server.log" 2>&1 &
  NODE_PID="$!"  # bin/sluice execs java, so this is the JVM's pid
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && { log "node ready (pid $NODE_PID)"; return 0; }
    node_alive || { log "ERROR: node exited during start; see $RUN_DIR/server.log"; return 1; }
    sleep 0.2
  done
  log "ERROR: node not ready after 60 s; see $RUN_DIR/server.log"
  return 1
}

node_alive() { kill -0 "$NODE_PID" 2>/dev/null; }

node_oomed() { grep -q 'OutOfMemoryError' "$RUN_DIR/server.log" 2>/dev/null; }

client() { # cap args...: a client command under a wall-clock cap, with a small heap of its own
  local cap="$1"; shift
  SLUICE_JAVA_OPTS="${CLIENT_JAVA_OPTS:--Xmx512m}" timeout --signal=TERM --kill-after=10 "$cap" \
    "$ROOT/bin/sluice" "$@" --brokers "$BROKERS"
}

client_background() { # cap output_prefix args...: like client, in the background with output in files; $! is
  # the pid of `timeout`, which passes SIGTERM on to the client's JVM
  local cap="$1" out="$2"; shift 2
  SLUICE_JAVA_OPTS="${CLIENT_JAVA_OPTS:--Xmx512m}" timeout --signal=TERM --kill-after=10 "$cap" \
    "$ROOT/bin/sluice" "$@" --brokers "$BROKERS" >"$out.out" 2>"$out.err" &
  CHILD_PIDS+=("$!")
}

rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$NODE_PID/status"; }

thread_count() { awk '/^Threads:/ { print $2 }' "/proc/$NODE_PID/status"; }

# Every pause in a unified GC log (-Xlog:gc or gc*), one line each: "<ms> <kind>". Lines look like
#   [12.345s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 120M->30M(1024M) 4.321ms
# Remark and Cleanup are pauses too; concurrent phases ("Concurrent Mark ...") are not.
gc_pauses() { # gc_log
  sed -n 's/.*\]\[gc *\] GC([0-9]*) \(Pause .*\) [0-9]*[KMG]->[0-9]*[KMG]([0-9]*[KMG]) \([0-9.]*\)ms$/\2 \1/p' "$1"
}

# count, p50, p99 and max of the pause times (ms) on stdin, nearest-rank percentiles.
pause_stats() {
  sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "count=0 p50_ms=0 p99_ms=0 max_ms=0"; exit }
    p50 = v[int(0.50 * NR + 0.999999)]; p99 = v[int(0.99 * NR + 0.999999)]
    printf "count=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", NR, p50, p99, v[NR] }'
}
