#!/usr/bin/env bash
# bench/gc-pauses.sh [--minutes M] [--rate N] [--max-pause-ms MS]
#
# Starts one combined node with the product's default JVM settings (bin/sluice's server defaults) plus a GC log
# (-Xlog:gc), runs
# `sluice perf produce` capped at N records/s (default 20,000; 100-byte values, 6 partitions) and, at the same time,
# `sluice perf consume` reading those records, for M minutes (default 5), then prints every stop-the-world pause's
# count, p50, p99 and max (ms) from the node's GC log and the five longest pauses. Exits non-zero if the longest pause
# exceeds MS (default 50), the node died or ran out of memory, or either client failed. Every step has a wall-clock
# cap; the node and the clients it started are stopped by pid and the data directory is deleted.
#   SLUICE_SERVER_JVM_OPTS replaces bin/sluice's server JVM defaults (e.g. SLUICE_SERVER_JVM_OPTS= for the JVM's own
#   defaults); NODE_JAVA_OPTS adds options after them (they win).
set -euo pipefail

MINUTES=5 RATE=20000 MAX_PAUSE_MS=50
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --max-pause-ms) MAX_PAUSE_MS="$2"; shift 2 ;;
    *) echo "usage: gc-pauses.sh [--minutes M] [--rate N] [--max-pause-ms MS]" >&2; exit 2 ;;
  esac
done

RUN_NAME=gc-pauses
source "$(dirname "${BASH_SOURCE[0]}")/single-node.sh"

seconds=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
records=$((RATE * seconds))
log "one node, default JVM settings + GC log; produce $records records at $RATE/s and consume them (${seconds} s)"
start_node "${NODE_JAVA_OPTS:-} -Xlog:gc:file=$RUN_DIR/gc.log:uptime,level,tags" || exit 1

client 60 topic create gc --partitions 6 --replication-factor 1 >/dev/null

client_background $((seconds + 120)) "$RUN_DIR/produce" perf produce --topic gc --records "$records" \
  --throughput "$RATE" --acks 1
produce_pid="$!"
client_background $((seconds + 150)) "$RUN_DIR/consume" perf consume --topic gc --records "$records" \
  --timeout-ms $(((seconds + 120) * 1000))
consume_pid="$!"

FAILED=()
flags="$(jcmd "$NODE_PID" VM.flags 2>/dev/null || true)"
max_heap_bytes="$(grep -o -- '-XX:MaxHeapSize=[0-9]*' <<<"$flags" | cut -d= -f2 || true)"
HEAP_MAX_MIB=$(( ${max_heap_bytes:-0} / 1048576 ))
GC_FLAGS="$(grep -o -- '-XX:MaxGCPauseMillis=[0-9]*' <<<"$flags" | cut -c5- || true)"
wait "$produce_pid" || FAILED+=("produce (exit $?)")
wait "$consume_pid" || FAILED+=("consume (exit $?)")
CHILD_PIDS=()
echo "# $(grep -h '^workload=' "$RUN_DIR/produce.out" || echo 'produce: no summary line')"
echo "# $(grep -h '^workload=' "$RUN_DIR/consume.out" || echo 'consume: no summary line')"
node_alive || FAILED+=("node died (see $RUN_DIR/server.log)")
node_oomed && FAILED+=("node threw OutOfMemoryError")

echo "# five longest pauses (ms, kind):"
gc_pauses "$RUN_DIR/gc.log" | sort -rn | head -n5 | sed 's/^/#   /'
stats="$(gc_pauses "$RUN_DIR/gc.log" | pause_stats)"
echo "gc_pauses minutes=$MINUTES rate=$RATE heap_max_mib=$HEAP_MAX_MIB ${GC_FLAGS:+$GC_FLAGS } $stats"
max_ms="${stats##*max_ms=}"
if awk -v m="$max_ms" -v limit="$MAX_PAUSE_MS" 'BEGIN { exit !(m > limit) }'; then
  FAILED+=("max pause ${max_ms} ms > ${MAX_PAUSE_MS} ms")
fi
if [[ ${#FAILED[@]} -gt 0 ]]; then
  echo "gc_pauses status=failed: ${FAILED[*]}"
  exit 1
fi
echo "gc_pauses status=ok"
