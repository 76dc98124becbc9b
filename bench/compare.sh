#!/usr/bin/env bash
# bench/compare.sh [1|3|all] [--repeat N] [--noisy] [--allow-load] [--client sluice|kafka]
#
# Kafka and Sluice side by side on this machine: the Kafka peer's perf.sh (../shared/peers/kafka, used as it is), then
# bench/sluice-perf.sh with the same workloads and cluster shapes; with --repeat N, N rounds of Kafka then Sluice,
# alternating, so that slow drifts of the machine hit both sides alike.
#
# Besides each side's own figures (records/s, p99), every workload gets the CPU its server processes and its client
# tool used, from /proc/<pid>/stat (bench/lib/annotate-cpu.sh explains the window; bench/lib/measure-cpu.sh how a
# tool's CPU is kept when it exits). CPU per record is steadier than wall-clock figures on a shared machine.
#
# With --client kafka, Sluice's side is driven by the very same client as Kafka's: the peer's own perf.sh (Kafka's
# ProducerPerformance, ConsumerPerformance, EndToEndLatency, TopicCommand and the fixed-rate probe, with the peer's
# settings and parsing) runs against Sluice's Kafka listeners. It runs from a copy of the peer's directory whose
# start.sh and stop.sh are bench/lib/kafka-client's (a Sluice cluster of real processes, the peer's state file) and
# whose other files are links to the peer's. The default, --client sluice, drives Sluice with its own client
# (bench/sluice-perf.sh).
#
# Output (stdout; progress on stderr; raw files in the directory printed at the end):
#   compare_round round=N workload=W figure=F kafka=X sluice=Y ratio=Z kafka_status=S sluice_status=S
#   compare workload=W figure=F kafka=MEDIAN sluice=MEDIAN ratio=MEDIAN rounds=N kafka_status=S sluice_status=S
#   # NOT OK: workload=W side=kafka|sluice round=N status=S      (a timeout, error or missing line, never hidden)
# Figures: records_per_sec, server_cpu_ms_per_million_records, client_cpu_ms_per_million_records (produce_* and
# consume_*), p99_ms (e2e_*). ratio > 1.0 means Sluice leads (Sluice/Kafka for records/s, Kafka/Sluice for CPU and
# latency); the summary ratio is the median of the per-round ratios. bench/lib/compare-aggregate.awk computes them.
#
# Options:
#   --repeat N    rounds (default 1)
#   --noisy       a busy loop on one core for the whole run (a competing CPU load), stopped by pid at the end, also
#                 on error or interrupt; bounded by timeout(1) to 30 min per side run even if this script is killed
#   --client C    sluice (default): Sluice's side runs bench/sluice-perf.sh; kafka: the peer's perf.sh against Sluice
#   --allow-load  run even though the 1-minute load average is above COMPARE_MAX_LOAD (default 1); the output then
#                 says so on a "# WARNING" line. Without it, the script refuses to start on a busy machine.
# Environment: KAFKA_PEER_DIR (default ../shared/peers/kafka), KAFKA_PEER_JAVA (the JVM for Kafka), the scale knobs
# SLUICE_PERF_SCALE / KAFKA_PEER_PERF_SCALE, COMPARE_MAX_LOAD, SLUICE_PERF_SCRIPT (default bench/sluice-perf.sh),
# KAFKA_PEER_PERF_BUDGET_S (the peer's whole-run budget; default here 1800 s, see run_side).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$root/bench/lib"
peer="${KAFKA_PEER_DIR:-$root/../shared/peers/kafka}"
sluice_perf="${SLUICE_PERF_SCRIPT:-$root/bench/sluice-perf.sh}"
max_load="${COMPARE_MAX_LOAD:-1}"

usage() {
  echo "usage: compare.sh [1|3|all] [--repeat N] [--noisy] [--allow-load] [--client sluice|kafka]" >&2
  exit 2
}
SUITE=all repeat=1 noisy=0 allow_load=0 client=sluice
while (($#)); do
  case "$1" in
    1 | 3 | all) SUITE="$1"; shift ;;
    --repeat) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage; repeat="$2"; shift 2 ;;
    --noisy) noisy=1; shift ;;
    --allow-load) allow_load=1; shift ;;
    --client) [[ "${2:-}" == sluice || "${2:-}" == kafka ]] || usage; client="$2"; shift 2 ;;
    *) usage ;;
  esac
done
[[ -x "$peer/perf.sh" ]] || { echo "compare.sh: Kafka peer not found at $peer" >&2; exit 1; }

read -r load1 load5 load15 _ </proc/loadavg
if awk -v l="$load1" -v m="$max_load" 'BEGIN { exit !(l > m) }'; then
  if ((!allow_load)); then
    echo "compare.sh: REFUSING TO START: 1-minute load average is $load1 (> $max_load); other work on this" \
      "machine would distort the figures. Wait for a quiet machine, or pass --allow-load to measure anyway." >&2
    exit 3
  fi
  load_warning="# WARNING: load average $load1 $load5 $load15 at start is above $max_load: figures are distorted"
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/sluice-compare.XXXXXX")"
side_pid="" noise_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$side_pid" ]]; then
    kill -TERM "$side_pid" 2>/dev/null || true # each side script stops its own cluster and tool on TERM
    wait "$side_pid" 2>/dev/null || true
  fi
  if [[ -n "$noise_pid" ]]; then
    kill -TERM "$noise_pid" 2>/dev/null || true # timeout(1) passes it on to the busy loop
    wait "$noise_pid" 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --client kafka: the peer's directory with Sluice's start.sh and stop.sh (see the header).
if [[ "$client" == kafka ]]; then
  sluice_peer="$out/sluice-peer"
  mkdir "$sluice_peer"
  for f in "$peer"/*; do
    case "${f##*/}" in start.sh | stop.sh) ;; *) ln -s "$f" "$sluice_peer/${f##*/}" ;; esac
  done
  ln -s "$lib/kafka-client/start.sh" "$sluice_peer/start.sh"
  ln -s "$lib/kafka-client/stop.sh" "$sluice_peer/stop.sh"
fi

if ((noisy)); then
  # One busy core, at normal priority, for the whole run. timeout(1) bounds it even if this script is SIGKILLed.
  noise_cap=$((repeat * 2 * 1800))
  timeout --signal=KILL "$noise_cap" bash -c 'while :; do :; done' &
  noise_pid=$!
  noise_note="# noisy: a busy loop on one core for the whole run (pid $noise_pid, at most ${noise_cap}s)"
  echo "$noise_note" >&2
fi

# run_side <kafka|sluice> <round>: one run of one side, its result lines annotated with CPU into $out/<side>-<round>.txt
# (the tool runs' CPU lines in $out/<side>-<round>.tools).
run_side() {
  local side="$1" round="$2" file="$out/$1-$2.txt" tools="$out/$1-$2.tools" fifo="$out/$1-$2.fifo" apid load1
  : >"$tools"
  echo "# side=$side round=$round" >"$file"
  read -r load1 _ </proc/loadavg
  echo "# load1 at start=$load1" >>"$file"
  echo "# round $round: $side run..." >&2
  mkfifo "$fifo"
  "$lib/annotate-cpu.sh" "$tools" <"$fifo" >>"$file" &
  apid=$!
  if [[ "$side" == kafka ]]; then
    # The peer's scripts take their JVM from KAFKA_PEER_JAVA: bench/lib/kafka-java.sh runs brokers as they are and
    # every other JVM under bench/lib/measure-cpu.sh. A private state file, so that the server pids measured are
    # the ones this run started. The peer's whole-run budget (450 s by default) skips its last workloads on a loaded
    # machine, where sluice-perf.sh, which has only the per-workload caps, would still run them: a budget of 1800 s
    # leaves the same per-workload caps on both sides.
    KAFKA_PEER_PERF_BUDGET_S="${KAFKA_PEER_PERF_BUDGET_S:-1800}" \
      BENCH_REAL_JAVA="${KAFKA_PEER_JAVA:-}" KAFKA_PEER_JAVA="$lib/kafka-java.sh" BENCH_TOOL_CPU_LOG="$tools" \
      KAFKA_PEER_STATE="$out/kafka.state" BENCH_SERVER_PID_FILE="$out/kafka.state" \
      KAFKA_PEER_RESULTS="$out/kafka-$round" "$peer/perf.sh" "$SUITE" >"$fifo" 2>&1 &
  elif [[ "$client" == kafka ]]; then
    # The same environment as Kafka's side, with Sluice's state file, results directory and scale.
    KAFKA_PEER_PERF_BUDGET_S="${KAFKA_PEER_PERF_BUDGET_S:-1800}" \
      KAFKA_PEER_PERF_SCALE="${SLUICE_PERF_SCALE:-${KAFKA_PEER_PERF_SCALE:-1}}" \
      BENCH_REAL_JAVA="${KAFKA_PEER_JAVA:-}" KAFKA_PEER_JAVA="$lib/kafka-java.sh" BENCH_TOOL_CPU_LOG="$tools" \
      KAFKA_PEER_STATE="$out/sluice.state" BENCH_SERVER_PID_FILE="$out/sluice.state" \
      KAFKA_PEER_RESULTS="$out/sluice-$round" "$sluice_peer/perf.sh" "$SUITE" >"$fifo" 2>&1 &
  else
    BENCH_TOOL_CPU_LOG="$tools" BENCH_SERVER_PID_FILE="$out/sluice.pids" "$sluice_perf" "$SUITE" >"$fifo" 2>&1 &
  fi
  side_pid=$!
  local rc=0
  wait "$side_pid" || rc=$?
  side_pid=""
  wait "$apid" || true
  rm -f "$fifo"
  ((rc == 0)) || echo "# WARNING: $side run of round $round exited with status $rc" | tee -a "$file" >&2
}

files=()
for ((round = 1; round <= repeat; round++)); do
  run_side kafka "$round"; files+=("$out/kafka-$round.txt")
  run_side sluice "$round"; files+=("$out/sluice-$round.txt")
done

{
  echo "# compare suite=$SUITE rounds=$repeat noisy=$noisy client=$client machine: $(nproc) cpus," \
    "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "# scale: sluice=${SLUICE_PERF_SCALE:-${KAFKA_PEER_PERF_SCALE:-1}} kafka=${KAFKA_PEER_PERF_SCALE:-1}"
  [[ -n "${noise_note:-}" ]] && echo "$noise_note"
  [[ -n "${load_warning:-}" ]] && echo "$load_warning"
  awk '/^# load1 at start=/ { split($0, a, "="); v = a[2] } / load1=/ { split($0, a, " load1="); v = a[2] }
       v != "" { n++; s += v; if (v > max) max = v; v = "" }
       END { if (n) printf "# load average (1 min) during the run: mean %.2f, max %.2f (%d readings)\n", s / n, max, n }' \
    "${files[@]}"
  grep -h '^# WARNING: .* exited' "${files[@]}" || true
  awk -f "$lib/compare-aggregate.awk" "${files[@]}"
} | tee "$out/compare.txt"
echo "# raw results: $out"
