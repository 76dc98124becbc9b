#!/usr/bin/env bash
# bench/lib/kafka-client/start.sh [1|3]
#
# The Kafka peer's start.sh contract (../shared/peers/kafka/README.md, section 1), fulfilled by a Sluice cluster: N
# real `bin/sluice server` processes on free ports, each with a Kafka listener, and the peer's state file
# ($KAFKA_PEER_STATE: PEER_N, PEER_RUN_DIR, PEER_BOOTSTRAP = the Kafka listeners, PEER_CLUSTER_ID, PEER_PIDS).
# bench/compare.sh --client kafka puts it, with stop.sh beside it, into a copy of the peer's directory whose other
# files are links to the peer's own: the peer's perf.sh then runs its workloads, with Kafka's own tools and its own
# parsing, unchanged, against Sluice. The servers get the peer's heap and JVM flags (KAFKA_PEER_HEAP,
# KAFKA_PEER_JVM_PERF_OPTS); SERVER_CONFIG, if set, is a properties file given to every node.
# Ready means: every node answers /readyz, Kafka's TopicCommand lists topics, and BrokerApiVersionsCommand sees all
# N brokers (the peer's own readiness checks).
set -euo pipefail
shim="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)" # the copy of the peer's directory (PEER_DIR)
# shellcheck source=/dev/null
source "$shim/common.sh" # the peer's settings and helpers: KAFKA_PEER_STATE, peer_tool, peer_load_state, ...
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../.." && pwd)"

N="${1:-1}"
[[ "$N" == 1 || "$N" == 3 ]] || peer_die "usage: start.sh [1|3]"
START_TIMEOUT_S="${KAFKA_PEER_START_TIMEOUT_S:-120}"

if peer_load_state; then
  for p in ${PEER_PIDS:-}; do
    peer_pid_is_ours "$p" "$PEER_RUN_DIR" && peer_die "a cluster is already running (pids: $PEER_PIDS); run stop.sh"
  done
  rm -f "$KAFKA_PEER_STATE"
fi
peer_require_libs

mkdir -p "$KAFKA_PEER_TMP" "$(dirname "$KAFKA_PEER_STATE")"
run_dir="$(mktemp -d "$KAFKA_PEER_TMP/sluice-kafka-client.XXXXXX")"
HEAP="$KAFKA_PEER_HEAP"
JVM_PERF_OPTS="${KAFKA_PEER_JVM_PERF_OPTS[*]}"
TOOL_OPTS=""
unset BENCH_SERVER_PID_FILE # the state file below names the servers
# shellcheck source=../sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"

# The state file is rewritten whenever a server starts or stops, so that stop.sh can always clean up.
write_pid_file() {
  cat >"$KAFKA_PEER_STATE" <<STATE
# Written by bench/lib/kafka-client/start.sh $(date -u +%Y-%m-%dT%H:%M:%SZ): a Sluice cluster for the peer's perf.sh.
PEER_N=$N
PEER_RUN_DIR=$run_dir
PEER_BOOTSTRAP=${KAFKA_BOOTSTRAP:-}
PEER_CLUSTER_ID=${CLUSTER_ID:-}
PEER_PIDS="${PIDS[*]:-}"
STATE
}

started=0
on_exit() {
  ((started)) && return 0
  log "ERROR: Sluice cluster did not start; server logs in $run_dir"
  for f in "$run_dir"/*/server.log; do [[ -f "$f" ]] && { echo "---- $f" >&2; tail -n 15 "$f" >&2; }; done
  cluster_stop
}
trap on_exit EXIT

"$root/bin/sluice" --version >/dev/null # builds the distribution once if the sources changed
export SLUICE_SKIP_BUILD=1
cluster_start "$N"
write_pid_file

deadline=$((SECONDS + START_TIMEOUT_S))
until peer_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --list >/dev/null 2>&1; do
  ((SECONDS < deadline)) || peer_die "the Kafka listeners did not answer list-topics within ${START_TIMEOUT_S}s"
  sleep 1
done
while :; do
  nb="$(peer_tool org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$KAFKA_BOOTSTRAP" 2>/dev/null |
    grep -c '^127\.0\.0\.1:.*(id: ' || true)"
  [[ "$nb" -ge "$N" ]] && break
  ((SECONDS < deadline)) || peer_die "only $nb of $N brokers visible over the Kafka protocol after ${START_TIMEOUT_S}s"
  sleep 1
done
started=1
peer_log "Sluice cluster up for Kafka's tools: N=$N bootstrap=$KAFKA_BOOTSTRAP run_dir=$run_dir"
echo "$KAFKA_BOOTSTRAP"
