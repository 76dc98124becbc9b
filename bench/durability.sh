#!/usr/bin/env bash
# bench/durability.sh [--records N] [--warmup N] [--repeat R] [--rate R] [--seconds S]
#
# What each fsync policy costs, next to Kafka's: a 3-node cluster, a topic with 6 partitions, replication factor 3
# and min.insync.replicas=2, one producer with acks=all (100-byte records, the Kafka peer's producer settings):
#   sluice mode=none      no forced fsync (Kafka's default model: replication protects the data)
#   sluice mode=durable   durable.acks=true: answered once every in-sync replica has fsynced (group commit)
#   sluice mode=flush1    flush.messages=1 (Kafka's setting; in Sluice it holds acknowledgements like durable)
#   kafka  mode=none      Kafka 4.1 defaults
#   kafka  mode=flush1    Kafka 4.1 with flush.messages=1 (an fsync per append on each replica)
# Each cluster first takes an unmeasured warm-up produce (--warmup records, acks=all: JIT and connections; without
# it the first mode measured pays for both). Each mode then runs a max-rate produce (records/s, and the brokers' CPU
# per record: user+system time of the three server processes from /proc over the run, divided by the records) and
# a throttled produce at --rate records/s for --seconds (ack p50/p99 at a load every mode sustains; a max-rate
# run's latency is its queueing in the 64 MiB producer buffer). Both sides measure acknowledgement latency the same
# way (Kafka's ProducerPerformance and `sluice perf produce`, which prints the same figures); both producers keep
# their default idempotence (on). With --repeat R the sides alternate R times and the medians are printed:
#   durability system=S mode=M workload=W figure=F median=X runs=a,b,c
# Kafka comes from ../shared/peers/kafka (its start.sh, stop.sh and tool jars). Stops every process it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="${KAFKA_PEER_DIR:-$root/../shared/peers/kafka}"
RECORDS=2000000
WARMUP=1000000
REPEAT=1
RATE=1000
SECONDS_AT_RATE=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) RECORDS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --seconds) SECONDS_AT_RATE="$2"; shift 2 ;;
    *) echo "usage: durability.sh [--records N] [--warmup N] [--repeat R] [--rate R] [--seconds S]" >&2; exit 2 ;;
  esac
done
HEAP="${SLUICE_PERF_HEAP:-1g}"
JVM_PERF_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:MaxInlineLevel=15"
TOOL_OPTS="-Xmx512m $JVM_PERF_OPTS"
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/sluice-durability.XXXXXX")"
results="$run_dir/results.txt"
# shellcheck source=lib/sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"
# shellcheck source=/dev/null
source "$peer/common.sh"
KAFKA_UP=0
cleanup() {
  cluster_stop
  [[ "$KAFKA_UP" == 1 ]] && "$peer/stop.sh" >/dev/null 2>&1 || true
  rm -rf "$run_dir"/*node-*/data
  echo "# durability raw results and logs: $run_dir" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load=$(awk '{print $1}' /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 1.0) }'; then
  echo "# WARNING: load average $load > 1 before the run: figures from a busy machine" | tee -a "$results"
fi
SLUICE_SKIP_BUILD="${SLUICE_SKIP_BUILD:-}" "$root/bin/sluice" --version >/dev/null
export SLUICE_SKIP_BUILD=1
peer_require_libs

record() { echo "durability system=$1 mode=$2 run=$3 $4" | tee -a "$results"; }

CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() { # pid...: user+system clock ticks of these processes (all their threads) so far
  local total=0 pid stat
  for pid in "$@"; do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    stat="${stat##*) }" # fields after the command name, which may hold spaces; utime and stime are then 12 and 13
    read -r -a f <<<"$stat"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
cpu_us_per_record() { # ticks_before ticks_after records
  awk -v b="$1" -v a="$2" -v n="$3" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (n > 0 ? (a - b) * 1e6 / hz / n : 0) }'
}
records_of() { sed -n 's/.*records=\([0-9]*\).*/\1/p' <<<"$1"; }

sluice_round() { # run
  cluster_start 3
  tool 60 topic create "dur-warmup-$1" --partitions 6 --replication-factor 3 >/dev/null
  sleep 3
  tool 300 perf produce --topic "dur-warmup-$1" --records "$WARMUP" --acks all --record-size 100 \
    --batch-size 8196 --linger-ms 0 --buffer-memory 67108864 >/dev/null 2>>"$run_dir/sluice.err" || true
  local mode config before after
  local -a modes=(none durable flush1)
  # The order turns each round, so that no mode is always the one measured first on a fresh cluster.
  for mode in "${modes[@]:$(( ($1 - 1) % 3 ))}" "${modes[@]:0:$(( ($1 - 1) % 3 ))}"; do
    case "$mode" in
      none) config=() ;;
      durable) config=(--config durable.acks=true) ;;
      flush1) config=(--config flush.messages=1) ;;
    esac
    tool 60 topic create "dur-$mode-$1" --partitions 6 --replication-factor 3 --config min.insync.replicas=2 \
      "${config[@]}" >/dev/null
    sleep 3
    local line
    before="$(cpu_ticks "${PIDS[@]}")"
    line="$(tool 300 perf produce --topic "dur-$mode-$1" --records "$RECORDS" --acks all --record-size 100 \
      --batch-size 8196 --linger-ms 0 --buffer-memory 67108864 2>>"$run_dir/sluice.err" | grep '^workload=' || true)"
    after="$(cpu_ticks "${PIDS[@]}")"
    [[ -n "$line" ]] && line+=" broker_cpu_us_per_record=$(cpu_us_per_record "$before" "$after" "$(records_of "$line")")"
    record sluice "$mode" "$1" "max_rate ${line:-status=error}"
    line="$(tool $((SECONDS_AT_RATE + 60)) perf produce --topic "dur-$mode-$1" --records "$((RATE * SECONDS_AT_RATE))" \
      --throughput "$RATE" --acks all --record-size 100 --batch-size 8196 --linger-ms 0 \
      2>>"$run_dir/sluice.err" | grep '^workload=' || true)"
    record sluice "$mode" "$1" "fixed_rate ${line:-status=error}"
  done
  cluster_stop
  # Each round formats a new cluster (a new cluster id), which a data directory of the last one would refuse.
  rm -rf "$run_dir/${CLUSTER_NODES}node-"*/data
}

kafka_round() { # run
  "$peer/start.sh" 3 >/dev/null
  KAFKA_UP=1
  peer_load_state
  local -a kafka_pids
  read -r -a kafka_pids <<<"$PEER_PIDS"
  peer_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$PEER_BOOTSTRAP" --create \
    --topic "dur-warmup-$1" --partitions 6 --replication-factor 3 >>"$run_dir/kafka-topics.log" 2>&1
  sleep 3
  timeout 300 "$KAFKA_PEER_JAVA" "${KAFKA_PEER_TOOL_OPTS[@]}" -cp "$KAFKA_PEER_CP" \
    org.apache.kafka.tools.ProducerPerformance --topic "dur-warmup-$1" --num-records "$WARMUP" \
    --record-size 100 --throughput -1 --producer-props "bootstrap.servers=$PEER_BOOTSTRAP" acks=all \
    batch.size=8196 linger.ms=0 buffer.memory=67108864 >"$run_dir/kafka-warmup-$1.log" 2>&1 || true
  local mode config before after
  local -a modes=(none flush1)
  for mode in "${modes[@]:$(( ($1 - 1) % 2 ))}" "${modes[@]:0:$(( ($1 - 1) % 2 ))}"; do
    case "$mode" in
      none) config=() ;;
      flush1) config=(--config flush.messages=1) ;;
    esac
    peer_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$PEER_BOOTSTRAP" --create \
      --topic "dur-$mode-$1" --partitions 6 --replication-factor 3 --config min.insync.replicas=2 \
      "${config[@]}" >>"$run_dir/kafka-topics.log" 2>&1
    sleep 3
    local out="$run_dir/kafka-$mode-$1.log"
    before="$(cpu_ticks "${kafka_pids[@]}")"
    timeout 300 "$KAFKA_PEER_JAVA" "${KAFKA_PEER_TOOL_OPTS[@]}" -cp "$KAFKA_PEER_CP" \
      org.apache.kafka.tools.ProducerPerformance --topic "dur-$mode-$1" --num-records "$RECORDS" \
      --record-size 100 --throughput -1 --producer-props "bootstrap.servers=$PEER_BOOTSTRAP" acks=all \
      batch.size=8196 linger.ms=0 buffer.memory=67108864 >"$out" 2>&1 || true
    after="$(cpu_ticks "${kafka_pids[@]}")"
    local sent
    sent="$(awk '/ms 99.9th\./ { print $1 }' "$out")"
    record kafka "$mode" "$1" "max_rate $(awk -v cpu="$(cpu_us_per_record "$before" "$after" "${sent:-0}")" '/ms 99.9th\./ {
      gsub(/[(),]/, " ")
      printf "records_per_sec=%s ack_p50_ms=%s ack_p99_ms=%s records=%s broker_cpu_us_per_record=%s status=ok", $4, $16, $22, $1, cpu }' "$out")"
    out="$run_dir/kafka-$mode-$1-rate.log"
    local n=$((RATE * SECONDS_AT_RATE))
    timeout $((SECONDS_AT_RATE + 60)) "$KAFKA_PEER_JAVA" "${KAFKA_PEER_TOOL_OPTS[@]}" -cp "$KAFKA_PEER_CP" \
      org.apache.kafka.tools.ProducerPerformance --topic "dur-$mode-$1" --num-records "$n" \
      --record-size 100 --throughput "$RATE" --producer-props "bootstrap.servers=$PEER_BOOTSTRAP" acks=all \
      batch.size=8196 linger.ms=0 >"$out" 2>&1 || true
    record kafka "$mode" "$1" "fixed_rate $(awk '/ms 99.9th\./ { gsub(/[(),]/, " ");
      printf "records_per_sec=%s ack_p50_ms=%s ack_p99_ms=%s status=ok", $4, $16, $22 }' "$out")"
  done
  "$peer/stop.sh" >/dev/null
  KAFKA_UP=0
}

echo "# durability records=$RECORDS warmup=$WARMUP repeat=$REPEAT rate=$RATE seconds=$SECONDS_AT_RATE cpus=$(nproc)" | tee -a "$results"
for ((run = 1; run <= REPEAT; run++)); do
  kafka_round "$run"
  sluice_round "$run"
done

# Medians per system, mode, workload and figure.
awk '
  /^durability / {
    sys = mode = wl = ""
    for (i = 2; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == "system") sys = kv[2]; else if (kv[1] == "mode") mode = kv[2]
      else if ($i == "max_rate" || $i == "fixed_rate") wl = $i
      else if (kv[1] == "records_per_sec" || kv[1] == "ack_p50_ms" || kv[1] == "ack_p99_ms" ||
               kv[1] == "broker_cpu_us_per_record") {
        key = sys SUBSEP mode SUBSEP wl SUBSEP kv[1]
        values[key] = values[key] (values[key] == "" ? "" : ",") kv[2]
      }
    }
  }
  END {
    for (key in values) {
      split(key, k, SUBSEP); n = split(values[key], v, ",")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
      median = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "durability system=%s mode=%s workload=%s figure=%s median=%s runs=%s\n", k[1], k[2], k[3], k[4], median, values[key]
    }
  }' "$results" | sort
