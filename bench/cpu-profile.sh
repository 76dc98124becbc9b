#!/usr/bin/env bash
# bench/cpu-profile.sh [--nodes 1|3] [--records N] [--warmup N] [--acks 1|all] [--jfr | --async-profiler LIB] [--keep]
#
# CPU per record of the broker(s) and of the perf tool, for comparing builds on a shared machine (wall-clock
# figures are noisy there; CPU per record is steadier). Starts its own cluster with bench/sluice-perf.sh's JVM flags,
# warms it up, then runs `sluice perf produce` (records to a new 6-partition topic, the peer's producer settings)
# and `sluice perf consume` of the same records, and prints for each:
#   cpu workload=produce records=N records_per_sec=R server_cpu_ms_per_million=S client_cpu_ms_per_million=C
# Server CPU is utime+stime of every server process from /proc/<pid>/stat, over the workload only; client CPU is
# the whole tool process (JVM start included, as a user would pay it), from /usr/bin/time. The top threads of the
# servers by CPU follow (from /proc/<pid>/task). With --jfr, each workload is recorded with JFR (settings=profile)
# on the servers (jcmd JFR.start) and on the tool (-XX:StartFlightRecording); the .jfr files stay in the run
# directory, which is printed. With --async-profiler LIB (libasyncProfiler.so, e.g. unpacked from Maven Central's
# tools.profiler:async-profiler jar), each workload is sampled by CPU time (itimer, every thread, native frames
# too; each stack starts with its thread's name) into NAME-server1.collapsed and NAME-client.collapsed instead;
# bench/top-frames.py summarises them.
# Stops exactly the processes it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODES=1 RECORDS=3000000 WARMUP=1000000 ACKS=1 JFR="" KEEP="" AP=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --nodes) NODES="$2"; shift 2 ;;
    --records) RECORDS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --acks) ACKS="$2"; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --async-profiler) AP="$(realpath "$2")"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: cpu-profile.sh [--nodes 1|3] [--records N] [--warmup N] [--acks 1|all] [--jfr]" >&2; exit 2 ;;
  esac
done
# shellcheck source=lib/peer-jvm.sh
source "$root/bench/lib/peer-jvm.sh"
TOOL_OPTS="$TOOL_OPTS ${SLUICE_PROFILE_TOOL_OPTS:-}"
JVM_PERF_OPTS="$JVM_PERF_OPTS ${SLUICE_PROFILE_SERVER_OPTS:-}"  # extra server flags, e.g. -XX:+PrintCompilation
PRODUCER_FLAGS=(--record-size 100 --batch-size 8196 --linger-ms 0 --buffer-memory 67108864 --partitions 6)
CLK_TCK="$(getconf CLK_TCK)"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/sluice-cpu.XXXXXX")"
# shellcheck source=lib/sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"
cleanup() {
  cluster_stop
  [[ -n "$KEEP" ]] || rm -rf "$run_dir"/*node-*/data
  echo "# run directory: $run_dir" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SLUICE_SKIP_BUILD="${SLUICE_SKIP_BUILD:-}" "$root/bin/sluice" --version >/dev/null
export SLUICE_SKIP_BUILD=1

server_ticks() { # sum of utime+stime over the servers
  local total=0 pid
  for pid in "${PIDS[@]}"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

thread_ticks() { # "name ticks" per server thread, summed over the servers by thread name
  local pid
  for pid in "${PIDS[@]}"; do
    for task in /proc/"$pid"/task/*; do
      # comm may hold spaces; stat's fields after the ")" are fixed.
      printf '%s\t%s\n' "$(tr ' ' '_' <"$task/comm")" "$(sed 's/.*) //' "$task/stat" | awk '{print $12 + $13}')"
    done 2>/dev/null
  done | awk -F'\t' '{n = $1; sub(/-?[0-9]+$/, "", n); t[n] += $2} END {for (n in t) print n "\t" t[n]}'
}

measure() { # name records command...
  local name="$1" records="$2"; shift 2
  local before after jfr_opts="" t0 t1
  if [[ -n "$JFR" ]]; then
    for pid in "${PIDS[@]}"; do jcmd "$pid" JFR.start name=p settings=profile >/dev/null; done
    jfr_opts="-XX:StartFlightRecording=filename=$run_dir/$name-client.jfr,settings=profile"
  elif [[ -n "$AP" ]]; then
    for pid in "${PIDS[@]}"; do jcmd "$pid" JVMTI.agent_load "$AP" "\"start,event=itimer,interval=2ms,threads\"" >/dev/null; done
    jfr_opts="-agentpath:$AP=start,event=itimer,interval=2ms,threads,collapsed,file=$run_dir/$name-client.collapsed"
  fi
  thread_ticks | sort >"$run_dir/$name-threads-before"
  before="$(server_ticks)"
  t0="$(date +%s%N)"
  SLUICE_JAVA_OPTS="$TOOL_OPTS $jfr_opts" /usr/bin/time -f '%U %S' -o "$run_dir/$name.time" \
    timeout --signal=TERM --kill-after=10 300 "$root/bin/sluice" "$@" --brokers "$BROKERS" \
    >"$run_dir/$name.out" 2>"$run_dir/$name.err" || { echo "$name failed; see $run_dir/$name.err" >&2; exit 1; }
  t1="$(date +%s%N)"
  after="$(server_ticks)"
  thread_ticks | sort >"$run_dir/$name-threads-after"
  if [[ -n "$JFR" ]]; then
    local i=0
    for pid in "${PIDS[@]}"; do
      i=$((i + 1))
      jcmd "$pid" JFR.stop name=p filename="$run_dir/$name-server$i.jfr" >/dev/null
    done
  elif [[ -n "$AP" ]]; then
    local i=0
    for pid in "${PIDS[@]}"; do
      i=$((i + 1))
      jcmd "$pid" JVMTI.agent_load "$AP" "\"stop,collapsed,file=$run_dir/$name-server$i.collapsed\"" >/dev/null
    done
  fi
  local client_s jit_ticks
  client_s="$(awk '{print $1 + $2}' "$run_dir/$name.time")"
  # The JIT compilers' share: a one-off cost that a longer run amortises, so it is also reported apart.
  jit_ticks="$(join -t$'\t' "$run_dir/$name-threads-before" "$run_dir/$name-threads-after" \
    | awk -F'\t' '$1 ~ /^C[12]_CompilerThre/ {d += $3 - $2} END {print d + 0}')"
  awk -v n="$name" -v r="$records" -v b="$before" -v a="$after" -v hz="$CLK_TCK" -v c="$client_s" -v j="$jit_ticks" \
      -v ns="$((t1 - t0))" -v line="$(grep '^workload=' "$run_dir/$name.out" | tail -n1)" 'BEGIN {
    m = r / 1e6
    printf "cpu workload=%s records=%d wall_s=%.1f server_cpu_ms_per_million=%.0f server_cpu_ms_per_million_excl_jit=%.0f" \
      " client_cpu_ms_per_million=%.0f\n", n, r, ns / 1e9, (a - b) * 1000 / hz / m, (a - b - j) * 1000 / hz / m,
      c * 1000 / m
    print "  " line
  }'
  join -t$'\t' "$run_dir/$name-threads-before" "$run_dir/$name-threads-after" \
    | awk -F'\t' -v hz="$CLK_TCK" '{d = $3 - $2; if (d > 0) printf "%s\t%.0f\n", $1, d * 1000 / hz}' \
    | sort -t$'\t' -k2 -nr | head -8 | awk -F'\t' '{printf "  server thread %-20s %6d ms\n", $1, $2}'
}

echo "# cpu-profile nodes=$NODES records=$RECORDS warmup=$WARMUP acks=$ACKS jfr=${JFR:-0} ap=${AP:+1} load=$(cut -d' ' -f1-3 /proc/loadavg)"
cluster_start "$NODES"
tool 60 topic create cpu-warmup --partitions 6 --replication-factor "$NODES" >/dev/null
tool 120 perf produce --topic cpu-warmup --records "$WARMUP" --acks "$ACKS" "${PRODUCER_FLAGS[@]}" >/dev/null 2>&1
tool 60 perf consume --topic cpu-warmup --records "$WARMUP" >/dev/null 2>&1
tool 60 topic create cpu-measured --partitions 6 --replication-factor "$NODES" >/dev/null
sleep 2
measure produce "$RECORDS" perf produce --topic cpu-measured --records "$RECORDS" --acks "$ACKS" "${PRODUCER_FLAGS[@]}"
sleep 2
measure consume "$RECORDS" perf consume --topic cpu-measured --records "$RECORDS"
