#!/usr/bin/env bash
# bench/partitions-1000.sh [--topics N] [--partitions P] [--records R] [--heap SIZE]
#
# One combined node with a fixed heap (default 1g) holding TOPICS x PARTITIONS partitions (default 10 x 100, RF 1):
# creates them, produces R records (default 200,000, 100-byte values, no key, so the sticky partitioner spreads
# batches over every partition) to each topic, reads them back, and reports whether every partition is online and
# was written, the heap used after a full GC, the RSS, the JVM's thread count and the largest GC pause of the run.
# Exits non-zero if the node died, ran out of memory, or any step failed. Each client step has a wall-clock cap,
# so the script stops on its own; it stops the node it started (by pid) and deletes the node's data directory.
set -euo pipefail

TOPICS=10 PARTITIONS=100 RECORDS=200000 HEAP=1g
while [[ $# -gt 0 ]]; do
  case "$1" in
    --topics) TOPICS="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --records) RECORDS="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    *) echo "usage: partitions-1000.sh [--topics N] [--partitions P] [--records R] [--heap SIZE]" >&2; exit 2 ;;
  esac
done

RUN_NAME=partitions
source "$(dirname "${BASH_SOURCE[0]}")/single-node.sh"

FAILED=()
fail() { log "FAIL: $*"; FAILED+=("$*"); }
total=$((TOPICS * PARTITIONS))

log "starting one node, heap $HEAP, $TOPICS topics x $PARTITIONS partitions"
start_node "-Xms$HEAP -Xmx$HEAP -Xlog:gc*:file=$RUN_DIR/gc.log:uptime,level,tags" || exit 1

start_s=$SECONDS
for ((t = 0; t < TOPICS; t++)); do
  client 60 topic create "p$t" --partitions "$PARTITIONS" --replication-factor 1 >/dev/null \
    || fail "topic create p$t"
done
log "created $total partitions in $((SECONDS - start_s)) s; threads=$(thread_count) rss_mib=$(rss_mib)"

start_s=$SECONDS
for ((t = 0; t < TOPICS; t++)); do
  line="$(client 300 perf produce --topic "p$t" --records "$RECORDS" --partitions "$PARTITIONS" --acks 1 \
    2>>"$RUN_DIR/produce.err" | grep '^workload=')" || true
  echo "# produce p$t: $line"
  [[ "$line" == *status=ok* ]] || fail "produce p$t"
  node_alive || break
done
log "produced $((TOPICS * RECORDS)) records in $((SECONDS - start_s)) s"

start_s=$SECONDS
for ((t = 0; t < TOPICS && ${#FAILED[@]} == 0; t++)); do
  line="$(client 300 perf consume --topic "p$t" --records "$RECORDS" --timeout-ms 240000 \
    2>>"$RUN_DIR/consume.err" | grep '^workload=')" || true
  echo "# consume p$t: $line"
  [[ "$line" == *status=ok* ]] || fail "consume p$t"
done
log "consumed in $((SECONDS - start_s)) s"

# Every partition must have a leader and some records. The describe table's rows start with the partition number:
# PARTITION LEADER EPOCH REPLICAS ISR LOG-START LOG-END HIGH-WATERMARK.
topic_names=(); for ((t = 0; t < TOPICS; t++)); do topic_names+=("p$t"); done
if client 120 topic describe "${topic_names[@]}" >"$RUN_DIR/describe.txt" 2>>"$RUN_DIR/describe.err"; then
  read -r online written < <(awk '$1 ~ /^[0-9]+$/ && NF >= 8 { if ($2 != "none") on++; if ($7 + 0 > 0) w++ }
    END { print on + 0, w + 0 }' "$RUN_DIR/describe.txt")
else
  online=0 written=0; fail "topic describe"
fi
[[ "$online" == "$total" ]] || fail "only $online of $total partitions online"
[[ "$written" == "$total" ]] || fail "only $written of $total partitions written"

if node_alive; then
  max_pause="$(gc_pauses "$RUN_DIR/gc.log" | pause_stats)"  # before our own full GC below
  rss="$(rss_mib)" threads="$(thread_count)"
  jcmd "$NODE_PID" GC.run >/dev/null
  heap_after_full_gc="$(jcmd "$NODE_PID" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -n1)"
  heap_after_full_gc_mib=$((heap_after_full_gc / 1024))
  echo "partitions_1000 partitions=$total online=$online written=$written heap=$HEAP" \
    "heap_used_after_full_gc_mib=$heap_after_full_gc_mib rss_mib=$rss threads=$threads gc_pauses: $max_pause"
else
  fail "node died (see $RUN_DIR/server.log)"
fi
node_oomed && fail "node threw OutOfMemoryError"

if [[ ${#FAILED[@]} -gt 0 ]]; then
  echo "partitions_1000 status=failed: ${FAILED[*]}"
  exit 1
fi
echo "partitions_1000 status=ok"
