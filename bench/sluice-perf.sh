#!/usr/bin/env bash
# bench/sluice-perf.sh [1|3|all]
#
# Runs the Kafka peer's named workloads (../shared/peers/kafka/README.md, section 4) against Sluice, with the same
# record counts, sizes, partitions, producer settings, warm-up, pauses and wall-clock caps, and prints one line per
# workload in the peer's format (workload=NAME records_per_sec=... p50_ms=... p99_ms=... status=...).
# It starts its own cluster (JVMs with the peer's heap and GC flags) and stops exactly the processes it started.
#   SLUICE_PERF_SCALE (default 1, or KAFKA_PEER_PERF_SCALE) multiplies record counts, as in the peer.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE="${1:-all}"
case "$SUITE" in all | 1 | 3) ;; *) echo "usage: sluice-perf.sh [all|1|3]" >&2; exit 2 ;; esac

SCALE="${SLUICE_PERF_SCALE:-${KAFKA_PEER_PERF_SCALE:-1}}"
scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s); if (v < 1000) v = 1000; print v }'; }
PRODUCE_RECORDS="$(scaled 10000000)"
WARMUP_RECORDS_1="$(scaled 5000000)"
WARMUP_RECORDS_3="$(scaled 10000000)"
PINGPONG_RECORDS="$(scaled 5000)"
FIXED_MEASURE_S="$(awk -v s="$SCALE" 'BEGIN { v = int(25 * s); if (v < 5) v = 5; print v }')"
PRODUCER_FLAGS=(--record-size 100 --batch-size 8196 --linger-ms 0 --buffer-memory 67108864 --partitions 6)
SETTLE_S=3
# shellcheck source=lib/peer-jvm.sh
source "$root/bench/lib/peer-jvm.sh"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/sluice-perf.XXXXXX")"
# shellcheck source=lib/sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"
cleanup() {
  cluster_stop
  # Keep every log (server logs, each tool's stderr) for diagnosis; drop only the nodes' data.
  rm -rf "$run_dir"/*node-*/data
  echo "# sluice logs: $run_dir" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SLUICE_SKIP_BUILD="${SLUICE_SKIP_BUILD:-}" "$root/bin/sluice" --version >/dev/null  # builds once if needed
export SLUICE_SKIP_BUILD=1

result() { # name cap command...: runs, prints its workload= line or a status line
  local name="$1" cap="$2"; shift 2
  local line rc=0
  # The same start line as the peer's perf.sh ("[time] workload NAME: ..."): bench/compare.sh takes CPU readings there.
  log "workload $name: ${*:1:2} (cap ${cap}s)"
  # The tool's own exit status (124/137: the cap), not grep's: a pipeline's status under pipefail would say 1.
  tool "$cap" "$@" --workload "$name" >"$run_dir/$name.out" 2>>"$run_dir/$name.err" || rc=$?
  line="$(grep '^workload=' "$run_dir/$name.out" | tail -n1)" || true
  if [[ -n "$line" ]]; then echo "$line"; else
    echo "workload=$name status=$([[ $rc -eq 124 || $rc -eq 137 ]] && echo timeout || echo error) rc=$rc"
  fi
}

topic_rf() { # topic rf
  tool 60 topic create "$1" --partitions 6 --replication-factor "$2" >/dev/null
}

suite() { # nodes rf warmup
  local nodes="$1" rf="$2" warmup="$3" acks_all_name
  log "=== sluice suite $nodes: $nodes-node cluster ==="
  cluster_start "$nodes"
  echo "# cluster nodes=$nodes bootstrap=$BROKERS"
  topic_rf sluice-warmup "$rf"
  tool 60 perf produce --topic sluice-warmup --records "$warmup" --acks 1 "${PRODUCER_FLAGS[@]}" >/dev/null 2>&1 || true
  tool 30 perf consume --topic sluice-warmup --records "$warmup" >/dev/null 2>&1 || true
  if [[ "$nodes" == 1 ]]; then
    topic_rf produce-rf1-acks1 1; sleep "$SETTLE_S"
    result produce_rf1_acks1 90 perf produce --topic produce-rf1-acks1 --records "$PRODUCE_RECORDS" --acks 1 "${PRODUCER_FLAGS[@]}"
    sleep "$SETTLE_S"
    result consume_rf1 45 perf consume --topic produce-rf1-acks1 --records "$PRODUCE_RECORDS"
    topic_rf e2e-rf1-acks1 1; sleep "$SETTLE_S"
    result e2e_rf1_acks1 45 perf e2e --topic e2e-rf1-acks1 --records "$PINGPONG_RECORDS" --acks 1
    topic_rf e2e-fixedrate-rf1-acks1 1; sleep "$SETTLE_S"
    result e2e_fixedrate_rf1_acks1 $((5 + FIXED_MEASURE_S + 25)) perf e2e --topic e2e-fixedrate-rf1-acks1 \
      --mode fixed-rate --rate 1000 --warmup-s 5 --measure-s "$FIXED_MEASURE_S" --acks 1
  else
    topic_rf produce-rf3-acks1 3; sleep "$SETTLE_S"
    result produce_rf3_acks1 90 perf produce --topic produce-rf3-acks1 --records "$PRODUCE_RECORDS" --acks 1 "${PRODUCER_FLAGS[@]}"
    topic_rf produce-rf3-acksall 3; sleep "$SETTLE_S"
    result produce_rf3_acksall 90 perf produce --topic produce-rf3-acksall --records "$PRODUCE_RECORDS" --acks all "${PRODUCER_FLAGS[@]}"
    sleep "$SETTLE_S"
    result consume_rf3 45 perf consume --topic produce-rf3-acksall --records "$PRODUCE_RECORDS"
    topic_rf e2e-rf3-acksall 3; sleep "$SETTLE_S"
    result e2e_rf3_acksall 45 perf e2e --topic e2e-rf3-acksall --records "$PINGPONG_RECORDS" --acks all
    topic_rf e2e-fixedrate-rf3-acksall 3; sleep "$SETTLE_S"
    result e2e_fixedrate_rf3_acksall $((5 + FIXED_MEASURE_S + 25)) perf e2e --topic e2e-fixedrate-rf3-acksall \
      --mode fixed-rate --rate 1000 --warmup-s 5 --measure-s "$FIXED_MEASURE_S" --acks all
  fi
  cluster_stop
}

echo "# sluice perf run suite=$SUITE cpus=$(nproc) heap=$HEAP scale=$SCALE"
if [[ "$SUITE" == all || "$SUITE" == 1 ]]; then suite 1 1 "$WARMUP_RECORDS_1"; fi
if [[ "$SUITE" == all || "$SUITE" == 3 ]]; then suite 3 3 "$WARMUP_RECORDS_3"; fi
