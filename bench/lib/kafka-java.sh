#!/usr/bin/env bash
# bench/lib/kafka-java.sh: the `java` that bench/compare.sh gives the Kafka peer's scripts (KAFKA_PEER_JAVA), which
# it may not change, so that the CPU of Kafka's client tools is measured the same way as Sluice's.
#   - A broker (main class kafka.Kafka) is exec'd as is: its pid stays the JVM's, which start.sh records in the
#     peer's state file (stop.sh and compare.sh use those pids).
#   - Every other JVM (ProducerPerformance, ConsumerPerformance, EndToEndLatency, E2eLatencyFixedRate.java, the
#     admin tools) runs under bench/lib/measure-cpu.sh, which appends its CPU to $BENCH_TOOL_CPU_LOG.
# BENCH_REAL_JAVA is the JVM to run (default: $JAVA_HOME/bin/java, else java on PATH).
set -euo pipefail

real="${BENCH_REAL_JAVA:-}"
if [[ -z "$real" ]]; then
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then real="$JAVA_HOME/bin/java"; else real=java; fi
fi
for arg in "$@"; do
  [[ "$arg" == kafka.Kafka ]] && exec "$real" "$@"
done
exec "$(dirname "${BASH_SOURCE[0]}")/measure-cpu.sh" "${BENCH_TOOL_CPU_LOG:-}" "$real" "$@"
