# shellcheck shell=bash
# Starting and stopping a local Sluice cluster of real `bin/sluice server` processes for the bench scripts.
# Sourced, not executed. The caller sets: root (repository root), run_dir (a scratch directory), HEAP and
# JVM_PERF_OPTS (server JVM flags), TOOL_OPTS (client JVM flags); it may set SERVER_CONFIG (a server properties
# file given to every node). Functions set BROKERS (gRPC), KAFKA_BOOTSTRAP (the nodes' Kafka listeners), CLUSTER_ID,
# CLUSTER_NODES and the PIDS array, and stop exactly the processes they started.
# For bench/compare.sh's CPU figures: if BENCH_SERVER_PID_FILE is set, the live server pids are kept in it (one line,
# space-separated; emptied on stop); if BENCH_TOOL_CPU_LOG is set, every client tool runs under
# bench/lib/measure-cpu.sh, which appends the tool's CPU time to that file.

PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

tool() { # cap args...: a sluice client command under a wall-clock cap, with the client JVM flags
  local cap="$1"; shift
  SLUICE_JAVA_OPTS="$TOOL_OPTS" timeout --signal=TERM --kill-after=10 "$cap" \
    "$root/bench/lib/measure-cpu.sh" "${BENCH_TOOL_CPU_LOG:-}" "$root/bin/sluice" "$@" --brokers "$BROKERS"
}

start_node() { # id quorum broker_port controller_port http_port [kafka_port (default 0: any free port)]
  # One directory per cluster shape: the 3-node suite must not find the 1-node suite's data (another cluster id).
  local dir="$run_dir/${CLUSTER_NODES}node-$1"
  local -a extra=()
  [[ -n "${SERVER_CONFIG:-}" ]] && extra=(--config "$SERVER_CONFIG")
  mkdir -p "$dir"
  SLUICE_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP $JVM_PERF_OPTS" setsid "$root/bin/sluice" server --node-id "$1" \
    --data-dir "$dir/data" --host 127.0.0.1 --broker-port "$3" --controller-port "$4" --http-port "$5" \
    --kafka-port "${6:-0}" --controller-quorum "$2" --cluster-id "$CLUSTER_ID" "${extra[@]}" >"$dir/server.log" 2>&1 &
  PIDS+=("$!")
  write_pid_file
}

write_pid_file() {
  [[ -n "${BENCH_SERVER_PID_FILE:-}" ]] && echo "${PIDS[*]:-}" >"$BENCH_SERVER_PID_FILE"
  return 0
}

await_ready() { # http_port...
  for port in "$@"; do
    for _ in $(seq 1 300); do
      curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && continue 2
      sleep 0.2
    done
    log "ERROR: node with http port $port not ready; logs in $run_dir"; exit 1
  done
}

cluster_start() { # nodes
  local n="$1" quorum="" i
  CLUSTER_ID="perf-$(date +%s)-$n"
  CLUSTER_NODES="$n"
  local -a bp cp hp kp
  for ((i = 1; i <= n; i++)); do bp[i]=$(free_port); cp[i]=$(free_port); hp[i]=$(free_port); kp[i]=$(free_port); done
  for ((i = 1; i <= n; i++)); do quorum+="${quorum:+,}$i@127.0.0.1:${cp[i]}"; done
  BROKERS="" KAFKA_BOOTSTRAP=""
  for ((i = 1; i <= n; i++)); do
    start_node "$i" "$quorum" "${bp[i]}" "${cp[i]}" "${hp[i]}" "${kp[i]}"
    BROKERS+="${BROKERS:+,}127.0.0.1:${bp[i]}"
    KAFKA_BOOTSTRAP+="${KAFKA_BOOTSTRAP:+,}127.0.0.1:${kp[i]}"
  done
  await_ready "${hp[@]:1}"
}

cluster_stop() {
  for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && { timeout 20 tail --pid="$pid" -f /dev/null || kill -KILL "$pid"; } 2>/dev/null || true; done
  PIDS=()
  write_pid_file
}
