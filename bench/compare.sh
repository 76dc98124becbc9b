#!/usr/bin/env bash
# bench/compare.sh [1|3|all]
#
# Kafka and Sluice side by side on this machine, in one run: the Kafka peer's perf.sh (../shared/peers/kafka),
# then bench/sluice-perf.sh with the same workloads and cluster shapes, Kafka and Sluice in turn. Prints one line
# per workload and figure:
#   compare workload=NAME figure=records_per_sec|p99_ms kafka=X sluice=Y ratio=Z
# where ratio > 1.0 means Sluice leads (Sluice/Kafka for throughput, Kafka/Sluice for latency). Both scripts stop
# every process they started. Raw outputs stay in the directory printed at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="${KAFKA_PEER_DIR:-$root/../shared/peers/kafka}"
SUITE="${1:-all}"
[[ -x "$peer/perf.sh" ]] || { echo "compare.sh: Kafka peer not found at $peer" >&2; exit 1; }
out="$(mktemp -d "${TMPDIR:-/tmp}/sluice-compare.XXXXXX")"

echo "# compare suite=$SUITE machine: $(nproc) cpus, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "# kafka run..." >&2
"$peer/perf.sh" "$SUITE" | tee "$out/kafka.txt" >&2
echo "# sluice run..." >&2
"$root/bench/sluice-perf.sh" "$SUITE" | tee "$out/sluice.txt" >&2

awk '
  function field(line, key,   n, i, kv) {
    n = split(line, parts, " ")
    for (i = 1; i <= n; i++) { split(parts[i], kv, "="); if (kv[1] == key) return kv[2] }
    return ""
  }
  FNR == 1 { side++ }
  /^workload=/ {
    name = field($0, "workload")
    if (!(name in order)) { order[name] = ++count; names[count] = name }
    rps[side, name] = field($0, "records_per_sec"); p99[side, name] = field($0, "p99_ms")
    status[side, name] = field($0, "status")
  }
  function show(name, figure, k, s, higherIsBetter,   ratio) {
    if (k == "" || s == "") { printf "compare workload=%s figure=%s kafka=%s sluice=%s ratio=na\n", name, figure, (k == "" ? "na" : k), (s == "" ? "na" : s); return }
    if (higherIsBetter) ratio = (k > 0) ? s / k : 0; else ratio = (s > 0) ? k / s : 0
    printf "compare workload=%s figure=%s kafka=%s sluice=%s ratio=%.2f\n", name, figure, k, s, ratio
  }
  END {
    for (i = 1; i <= count; i++) {
      name = names[i]
      if (name ~ /^(produce|consume)_/) show(name, "records_per_sec", rps[1, name], rps[2, name], 1)
      if (name ~ /^e2e_/) show(name, "p99_ms", p99[1, name], p99[2, name], 0)
    }
  }' "$out/kafka.txt" "$out/sluice.txt" | tee "$out/compare.txt"
echo "# raw results: $out"
