# shellcheck shell=bash
# The Kafka peer's JVM settings (../shared/peers/kafka), used for Sluice's servers and tools alike, so that a
# comparison is between the two systems and not between JVM settings. Sourced, not executed, by the bench scripts
# that start a Sluice cluster; it sets HEAP (servers' -Xms/-Xmx; SLUICE_PERF_HEAP, else the peer's KAFKA_PEER_HEAP,
# else 1g), JVM_PERF_OPTS (servers' flags) and TOOL_OPTS (the client tools' flags).
HEAP="${SLUICE_PERF_HEAP:-${KAFKA_PEER_HEAP:-1g}}"
JVM_PERF_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:MaxInlineLevel=15"
TOOL_OPTS="-Xmx512m $JVM_PERF_OPTS"
