#!/usr/bin/env bash
# bench/commit-stages.sh [--warmup N] [--steady-s S] [--measure-s S] [--async-profiler LIB]
#
# Where a 3-node acks=all commit spends its time at a low, fixed rate. Starts its own 3-node cluster (the JVM flags of
# bench/sluice-perf.sh), produces N records with acks=all to warm it up (default 300,000), optionally runs the
# fixed-rate probe for S more seconds (--steady-s: code the probe alone exercises reaches the C2 compiler; default 0),
# then measures `sluice perf e2e --mode fixed-rate --rate 1000 --acks all` for --measure-s seconds (default 15) and
# prints the probe's summary line, the servers' CPU over the measurement (ms of CPU per second, all three), each
# commit stage's mean and cumulative shares from the leaders' sluice_replication_commit_stage_seconds histograms
# (docs/metrics.md), and a 5,000-record ping-pong e2e line. With --async-profiler LIB the servers are sampled by CPU
# time (itimer) during the measurement into serverN.collapsed in the run directory (bench/top-frames.py reads them).
# Stops exactly the processes it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WARMUP=300000 STEADY_S=0 MEASURE_S=15 AP=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) WARMUP="$2"; shift 2 ;;
    --steady-s) STEADY_S="$2"; shift 2 ;;
    --measure-s) MEASURE_S="$2"; shift 2 ;;
    --async-profiler) AP="$(realpath "$2")"; shift 2 ;;
    *) echo "usage: commit-stages.sh [--warmup N] [--steady-s S] [--measure-s S] [--async-profiler LIB]" >&2
       exit 2 ;;
  esac
done
# shellcheck source=lib/peer-jvm.sh
source "$root/bench/lib/peer-jvm.sh"
CLK_TCK="$(getconf CLK_TCK)"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/sluice-stages.XXXXXX")"
# shellcheck source=lib/sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"
cleanup() {
  cluster_stop
  rm -rf "$run_dir"/*node-*/data
  echo "# run directory: $run_dir" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SLUICE_SKIP_BUILD="${SLUICE_SKIP_BUILD:-}" "$root/bin/sluice" --version >/dev/null
export SLUICE_SKIP_BUILD=1

cluster_start 3
http_ports=()
for pid in "${PIDS[@]}"; do
  http_ports+=("$(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -o -- '--http-port [0-9]*' | awk '{print $2}')")
done
scrape() { # the commit-stage histogram lines of every node
  local port
  for port in "${http_ports[@]}"; do
    curl -sf "http://127.0.0.1:$port/metrics" | grep '^sluice_replication_commit_stage_seconds_' || true
  done
}
server_ticks() {
  local total=0 pid
  for pid in "${PIDS[@]}"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
profiler() { # start|stop: async-profiler in every server, attached with jcmd (options quoted: jcmd splits on commas)
  [[ -n "$AP" ]] || return 0
  local i=0 pid
  for pid in "${PIDS[@]}"; do
    i=$((i + 1))
    if [[ "$1" == start ]]; then
      jcmd "$pid" JVMTI.agent_load "$AP" "'start,event=itimer'" >/dev/null
    else
      jcmd "$pid" JVMTI.agent_load "$AP" "'stop,file=$run_dir/server$i.collapsed,collapsed'" >/dev/null
    fi
  done
}
fixed_rate() { # topic seconds workload-name
  tool $((5 + $2 + 60)) perf e2e --topic "$1" --mode fixed-rate --rate 1000 --warmup-s 5 --measure-s "$2" \
    --acks all --workload "$3" | grep '^workload=' || echo "workload=$3 status=error"
}

tool 60 topic create stages-warmup --partitions 6 --replication-factor 3 >/dev/null
tool 300 perf produce --topic stages-warmup --records "$WARMUP" --acks all --record-size 100 --batch-size 8196 \
  --linger-ms 0 --partitions 6 >/dev/null 2>&1
tool 60 topic create stages --partitions 6 --replication-factor 3 >/dev/null
sleep 3
if [[ "$STEADY_S" -gt 0 ]]; then fixed_rate stages "$STEADY_S" steady_fixedrate_rf3_acksall; fi

scrape >"$run_dir/stages-before"
ticks_before="$(server_ticks)" start_ns="$(date +%s%N)"
profiler start
fixed_rate stages "$MEASURE_S" e2e_fixedrate_rf3_acksall
profiler stop
ticks_after="$(server_ticks)" end_ns="$(date +%s%N)"
scrape >"$run_dir/stages-after"
awk -v t="$((ticks_after - ticks_before))" -v hz="$CLK_TCK" -v ns="$((end_ns - start_ns))" \
  'BEGIN { printf "servers cpu_ms_per_s=%.0f (three servers; 1000 is one core)\n", t * 1000 / hz / (ns / 1e9) }'
python3 - "$run_dir/stages-before" "$run_dir/stages-after" <<'PY'
import collections, re, sys

def load(path):
    totals = collections.defaultdict(float)
    for line in open(path):
        match = re.match(r'(\S+)\{([^}]*)\} (\S+)', line)
        if not match:
            continue
        name, labels, value = match.groups()
        stage = re.search(r'stage="([^"]+)"', labels).group(1)
        le = re.search(r'le="([^"]+)"', labels)
        totals[(stage, name.rsplit('_', 1)[1], le.group(1) if le else '')] += float(value)
    return totals

before, after = load(sys.argv[1]), load(sys.argv[2])
def delta(key):
    return after[key] - before[key]
for stage in ('follower_read', 'follower_stored', 'committed'):
    count = delta((stage, 'count', ''))
    if count <= 0:
        print(f"stage={stage} count=0")
        continue
    mean_ms = 1000 * delta((stage, 'sum', '')) / count
    bounds = sorted({k[2] for k in after if k[0] == stage and k[1] == 'bucket'},
                    key=lambda b: float('inf') if b == '+Inf' else float(b))
    shares = ' '.join(f"le{float(b) * 1000:g}ms={100 * delta((stage, 'bucket', b)) / count:.0f}%"
                      for b in bounds if b != '+Inf' and float(b) <= 0.1)
    print(f"stage={stage} count={count:.0f} mean_ms={mean_ms:.2f} {shares}")
PY
tool 60 topic create stages-pingpong --partitions 6 --replication-factor 3 >/dev/null
tool 60 perf e2e --topic stages-pingpong --records 5000 --acks all --workload e2e_rf3_acksall 2>/dev/null \
  | grep '^workload=' || true
