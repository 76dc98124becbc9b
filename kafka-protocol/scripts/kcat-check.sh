#!/usr/bin/env bash
# kafka-protocol/scripts/kcat-check.sh [--groups] [--records N]
#
# kcat (librdkafka 2.0.2, Debian's package; install-kcat.sh) against a 3-node Sluice cluster of real `bin/sluice
# server` processes on free ports (bench/lib/sluice-cluster.sh), each with its Kafka listener:
#   -L  metadata: all 3 brokers at their Kafka ports, the topic with its 6 partitions, each with a leader;
#   -P  N keyed records produced with acks=all (request.required.acks=-1) through one broker's bootstrap;
#   -C  read back from the beginning of every partition (-e: stop at the end): exactly the N key:value pairs, and
#       for each partition, its records by -p with their offsets 0..n-1 in order;
#   -G  (with --groups; needs JoinGroup/SyncGroup on the Kafka listener) a balanced consumer group reads all N.
# Prints one "ok: ..." line per check, or "FAIL: ..." and exits 1; stops exactly the processes it started. Server
# logs stay in the directory printed at the end. Never uses the fixed default ports.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
groups=0 records=2000
while (($#)); do
  case "$1" in
    --groups) groups=1; shift ;;
    --records) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "usage: kcat-check.sh [--groups] [--records N]" >&2; exit 2; }
      records="$2"; shift 2 ;;
    *) echo "usage: kcat-check.sh [--groups] [--records N]" >&2; exit 2 ;;
  esac
done
command -v kcat >/dev/null || { echo "kcat not found: run kafka-protocol/scripts/install-kcat.sh" >&2; exit 1; }

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/sluice-kcat.XXXXXX")"
HEAP=512m JVM_PERF_OPTS="" TOOL_OPTS="-Xmx256m"
# shellcheck source=../../bench/lib/sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"
trap 'cluster_stop; rm -rf "$run_dir"/*node-*/data; echo "# sluice logs: $run_dir" >&2' EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*"; exit 1; }
"$root/bin/sluice" --version >/dev/null # builds the distribution once if the sources changed
export SLUICE_SKIP_BUILD=1
T0=$SECONDS
cluster_start 3
echo "# 3 nodes ready in $((SECONDS - T0)) s: kafka=$KAFKA_BOOTSTRAP"
bootstrap="${KAFKA_BOOTSTRAP%%,*}" # one broker only: the others must come from Metadata
topic="kcat-check"
SLUICE_JAVA_OPTS="$TOOL_OPTS" timeout 60 "$root/bin/sluice" topic create "$topic" --partitions 6 \
  --replication-factor 3 --brokers "$BROKERS" >/dev/null
kc() { timeout 60 kcat -b "$bootstrap" -X socket.timeout.ms=20000 "$@"; }

meta="$(kc -L -t "$topic" -J)"
python3 - "$meta" "$KAFKA_BOOTSTRAP" "$topic" <<'PY' || fail "kcat -L: $meta"
import json, sys
meta, expected, topic = json.loads(sys.argv[1]), set(sys.argv[2].split(",")), sys.argv[3]
brokers = {b["name"] for b in meta["brokers"]}
assert brokers == expected, f"brokers {brokers} != {expected}"
[t] = [t for t in meta["topics"] if t["topic"] == topic]
assert len(t["partitions"]) == 6 and all(p["leader"] >= 1 for p in t["partitions"]), t
assert "error" not in t or not t["error"], t
PY
echo "ok: kcat -L: 3 brokers at their Kafka ports, $topic with 6 partitions and leaders"

seq 0 $((records - 1)) | awk '{ printf "k%d:v%d\n", $1, $1 }' >"$run_dir/sent.txt"
kc -P -t "$topic" -K: -X request.required.acks=-1 -X compression.codec=lz4 <"$run_dir/sent.txt" ||
  fail "kcat -P exited with $?"
echo "ok: kcat -P: $records records produced with acks=all (lz4)"

kc -C -t "$topic" -o beginning -e -q -f '%k:%s\n' >"$run_dir/read.txt" || fail "kcat -C exited with $?"
cmp -s <(sort "$run_dir/sent.txt") <(sort "$run_dir/read.txt") ||
  fail "kcat -C read $(wc -l <"$run_dir/read.txt") records, not the $records sent (see $run_dir)"
total=0
for p in 0 1 2 3 4 5; do
  kc -C -t "$topic" -p "$p" -o beginning -e -q -f '%o\n' >"$run_dir/offsets-$p.txt" || fail "kcat -C -p $p"
  n="$(wc -l <"$run_dir/offsets-$p.txt")"
  cmp -s "$run_dir/offsets-$p.txt" <(seq 0 $((n - 1))) ||
    fail "partition $p: offsets are not 0..$((n - 1)) in order"
  total=$((total + n))
done
((total == records)) || fail "the partitions hold $total records, not $records"
echo "ok: kcat -C: every record read back once; each partition's offsets 0..n-1 in order"

if ((groups)); then
  timeout 90 kcat -b "$bootstrap" -G "kcat-check-group" -o beginning -q -f '%k:%s\n' -c "$records" \
    -X auto.offset.reset=earliest "$topic" >"$run_dir/group.txt" || fail "kcat -G exited with $?"
  cmp -s <(sort "$run_dir/sent.txt") <(sort "$run_dir/group.txt") ||
    fail "kcat -G read $(wc -l <"$run_dir/group.txt") records, not the $records sent"
  echo "ok: kcat -G: a balanced consumer group read every record"
fi
echo "# done in $((SECONDS - T0)) s"
