#!/usr/bin/env bash
# bench/tls-cost.sh [--repeat N] [--records R] [--allow-load]
#
# What TLS costs on the produce_rf1_acks1 workload (bench/sluice-perf.sh's: 100-byte records, 6 partitions, acks=1,
# batch 8196, linger 0): one node with plaintext ports and one with mutual TLS on both gRPC ports (certificates made
# by `sluice cert` in the run directory), started one after the other, N rounds, the order alternating per round.
# Prints one line per run, then per mode the medians of records/s, the server's and the client's CPU ms per million
# records, and the median TLS/plaintext ratio of records/s (over the rounds). Refuses to start when the load average
# is above 1 unless --allow-load (then the figures are marked as measured under load). Stops only what it started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPEAT=3
RECORDS=2000000
ALLOW_LOAD=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) REPEAT="$2"; shift 2 ;;
    --records) RECORDS="$2"; shift 2 ;;
    --allow-load) ALLOW_LOAD=1; shift ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tls-cost.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "tls-cost.sh: --repeat must be a positive number" >&2; exit 2; }
[[ "$RECORDS" =~ ^[1-9][0-9]*$ ]] || { echo "tls-cost.sh: --records must be a positive number" >&2; exit 2; }
load="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$load" 'BEGIN { exit !(l > 1) }'; then
  if [[ -z "$ALLOW_LOAD" ]]; then
    echo "tls-cost.sh: load average $load is above 1; figures would measure the other work. Wait, or pass" \
      "--allow-load to measure anyway (the output then says so)." >&2
    exit 3
  fi
  echo "# WARNING: started at load average $load (> 1): figures are measured under load"
fi

HEAP="${SLUICE_PERF_HEAP:-1g}"
JVM_PERF_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:MaxInlineLevel=15"
TOOL_OPTS="-Xmx512m $JVM_PERF_OPTS"
PRODUCER_FLAGS=(--record-size 100 --batch-size 8196 --linger-ms 0 --buffer-memory 67108864 --partitions 6)
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/sluice-tls-cost.XXXXXX")"
# shellcheck source=lib/sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"
# shellcheck source=lib/proc-cpu.sh
source "$root/bench/lib/proc-cpu.sh"
cleanup() {
  cluster_stop
  rm -rf "$run_dir"/*node-*/data
  echo "# logs: $run_dir" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$root/bin/sluice" --version >/dev/null  # builds the distribution once if needed
export SLUICE_SKIP_BUILD=1

tls="$run_dir/tls"
"$root/bin/sluice" cert ca --dir "$tls" >/dev/null
"$root/bin/sluice" cert issue --ca-dir "$tls" --name node --host 127.0.0.1,localhost >/dev/null
"$root/bin/sluice" cert issue --ca-dir "$tls" --name perf --client >/dev/null
cat >"$run_dir/tls.properties" <<EOF
listener.client.tls.cert=$tls/node.pem
listener.client.tls.key=$tls/node-key.pem
listener.client.tls.ca=$tls/ca.pem
listener.client.tls.client.auth=required
listener.controller.tls.cert=$tls/node.pem
listener.controller.tls.key=$tls/node-key.pem
listener.controller.tls.ca=$tls/ca.pem
listener.controller.tls.client.auth=required
EOF

# run_once mode round: one node, a 6-partition topic, a warm-up, the measured run; appends to $run_dir/results.
run_once() {
  local mode="$1" round="$2" line server_before server_after client_log rc=0
  if [[ "$mode" == tls ]]; then
    SERVER_CONFIG="$run_dir/tls.properties"
    export SLUICE_TLS_CA="$tls/ca.pem" SLUICE_TLS_CERT="$tls/perf.pem" SLUICE_TLS_KEY="$tls/perf-key.pem"
  else
    SERVER_CONFIG=""
    unset SLUICE_TLS_CA SLUICE_TLS_CERT SLUICE_TLS_KEY
  fi
  cluster_start 1
  if [[ "$mode" == tls ]] && env -u SLUICE_TLS_CA -u SLUICE_TLS_CERT -u SLUICE_TLS_KEY \
      "$root/bin/sluice" topic list --brokers "$BROKERS" >/dev/null 2>&1; then
    echo "tls-cost.sh: the TLS node answered a plaintext client; not measuring" >&2
    exit 1
  fi
  tool 60 topic create tls-cost --partitions 6 --replication-factor 1 >/dev/null
  tool 120 perf produce --topic tls-cost-warmup --records "$((RECORDS / 2))" --acks 1 "${PRODUCER_FLAGS[@]}" \
    >/dev/null 2>&1 || true
  client_log="$run_dir/client-cpu-$mode-$round.log"
  : >"$client_log"
  proc_cpu_sum_ms "${PIDS[@]}"; server_before="$REPLY"
  BENCH_TOOL_CPU_LOG="$client_log" tool 300 perf produce --topic tls-cost --records "$RECORDS" --acks 1 \
    "${PRODUCER_FLAGS[@]}" --workload produce_rf1_acks1 >"$run_dir/$mode-$round.out" 2>"$run_dir/$mode-$round.err" \
    || rc=$?
  proc_cpu_sum_ms "${PIDS[@]}"; server_after="$REPLY"
  cluster_stop
  rm -rf "$run_dir"/*node-*/data  # the next node is a new cluster
  line="$(grep '^workload=' "$run_dir/$mode-$round.out" | tail -n1)" || true
  if [[ -z "$line" ]]; then
    echo "mode=$mode round=$round status=$([[ $rc -eq 124 ]] && echo timeout || echo error) rc=$rc"
    return 0
  fi
  local rate client_ms
  rate="$(sed -n 's/.*records_per_sec=\([0-9.]*\).*/\1/p' <<<"$line")"
  client_ms="$(sed -n 's/.* cpu_ms=\([0-9]*\).*/\1/p' "$client_log" | head -n1)"
  echo "mode=$mode round=$round records_per_s=$rate server_cpu_ms_per_million=$(((server_after - server_before) \
* 1000000 / RECORDS)) client_cpu_ms_per_million=$((client_ms * 1000000 / RECORDS))" | tee -a "$run_dir/results"
}

echo "# tls-cost: produce_rf1_acks1, $RECORDS records, $REPEAT rounds, cpus=$(nproc), load at start $load"
for ((round = 1; round <= REPEAT; round++)); do
  if ((round % 2 == 1)); then run_once plaintext "$round"; run_once tls "$round"
  else run_once tls "$round"; run_once plaintext "$round"; fi
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "na"; else if (NR % 2) print v[(NR + 1) / 2];
  else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.*mode=$1 .*$2=\([0-9.]*\).*/\1/p" "$run_dir/results"; }
for mode in plaintext tls; do
  echo "median mode=$mode records_per_s=$(field "$mode" records_per_s | median)" \
    "server_cpu_ms_per_million=$(field "$mode" server_cpu_ms_per_million | median)" \
    "client_cpu_ms_per_million=$(field "$mode" client_cpu_ms_per_million | median)"
done
ratios="$(for ((round = 1; round <= REPEAT; round++)); do
  p="$(sed -n "s/.*mode=plaintext round=$round records_per_s=\([0-9.]*\).*/\1/p" "$run_dir/results")"
  t="$(sed -n "s/.*mode=tls round=$round records_per_s=\([0-9.]*\).*/\1/p" "$run_dir/results")"
  [[ -n "$p" && -n "$t" ]] && awk -v p="$p" -v t="$t" 'BEGIN { printf "%.3f\n", t / p }'
done)"
echo "median tls/plaintext records_per_s ratio=$(median <<<"$ratios")"
