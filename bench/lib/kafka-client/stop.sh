#!/usr/bin/env bash
# bench/lib/kafka-client/stop.sh: the Kafka peer's stop.sh contract for the Sluice cluster that start.sh beside it
# started: stops exactly the pids of the state file whose command line names the cluster's run directory (SIGTERM,
# then SIGKILL if still alive after KAFKA_PEER_STOP_GRACE_S, default 20 s), deletes the nodes' data and the state
# file, and keeps the server logs (their directory is printed).
set -euo pipefail
shim="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=/dev/null
source "$shim/common.sh"
GRACE_S="${KAFKA_PEER_STOP_GRACE_S:-20}"

peer_load_state || { peer_log "no state file at $KAFKA_PEER_STATE; nothing to stop"; exit 0; }
: "${PEER_RUN_DIR:?state file lacks PEER_RUN_DIR}"
ours=()
for p in ${PEER_PIDS:-}; do peer_pid_is_ours "$p" "$PEER_RUN_DIR" && ours+=("$p"); done
if ((${#ours[@]})); then
  peer_log "stopping Sluice server pids: ${ours[*]}"
  kill -TERM "${ours[@]}" 2>/dev/null || true
  for p in "${ours[@]}"; do # the grace period is per server; they stop in parallel, so it is mostly shared
    timeout "$GRACE_S" tail --pid="$p" -f /dev/null 2>/dev/null || { kill -KILL "$p" 2>/dev/null || true; }
  done
fi
case "$(basename "$PEER_RUN_DIR")" in
  sluice-kafka-client.*) rm -rf -- "$PEER_RUN_DIR"/*node-*/data ;;
  *) peer_log "not deleting unexpected run dir '$PEER_RUN_DIR'" ;;
esac
rm -f -- "$KAFKA_PEER_STATE"
peer_log "stopped; sluice logs: $PEER_RUN_DIR"
