#!/usr/bin/env bash
# Checks the dashboards, the alert rules and the built-in overview page against a real cluster (on demand; takes
# about 10 minutes plus a first build):
#
#   1. starts a 3-node `bin/sluice dev` cluster on loopback (building the distribution first if needed), a bounded
#      produce load on topic `load` (replication factor 3), a consumer group that keeps up (`steady`) and one that
#      reads part of the topic and stops (`lagging`);
#   2. starts a real Prometheus (Debian's package, installed here if missing) scraping the three nodes every 5 s with
#      the alert rules loaded;
#   3. runs every query of every dashboard panel (and every variable query) against /api/v1/query, with the
#      variables set to this cluster (job=sluice, every namespace, topic, group and node; $__rate_interval=1m), and
#      requires at least one series from each; prints a table;
#   4. loads the overview page (/) in Debian's headless chromium, checks that it shows topic `load` and the lag of
#      group `lagging` as /api/overview gives it, and saves a screenshot to docs/images/overview.png;
#   5. kills one node (kill -9, by pid) and requires SluiceNodeDown and SluiceUnderReplicatedPartitions to fire
#      within their `for` windows, restarts it with the same command line and requires both to resolve.
#
# The rules Prometheus loads are a copy of deploy/alerts/sluice-rules.yml in which SluiceUnderReplicatedPartitions
# waits 30 s instead of 5 minutes (SluiceNodeDown keeps its real 1 minute), so the run stays short.
#
# Everything it starts it stops by pid on exit. Ports: nodes at $CHECK_BASE_PORT (default 37092; +10 per node),
# Prometheus at $CHECK_PROMETHEUS_PORT (default 39090). Exit code 0 only when every check passed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base_port="${CHECK_BASE_PORT:-37092}"
prometheus_port="${CHECK_PROMETHEUS_PORT:-39090}"
records="${CHECK_RECORDS:-150000}"
rate="${CHECK_RATE:-1000}"
work="$(mktemp -d /tmp/sluice-dashboards-check.XXXXXX)"
sluice="$root/bin/sluice"
export SLUICE_BROKERS="127.0.0.1:$base_port,127.0.0.1:$((base_port + 10)),127.0.0.1:$((base_port + 20))"
prom="http://127.0.0.1:$prometheus_port"
overview="http://127.0.0.1:$((base_port + 2))"

log() { printf '%s check: %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { log "FAIL: $*"; exit 1; }
failures=()
failed() { log "FAILED: $*"; failures+=("$*"); }   # a check failed; the others still run

# ---------------------------------------------------------------- processes, stopped by pid on exit
started_pids=()     # background jobs of this script: load, consumers, Prometheus, a restarted node
dev_pid=""
node_pids=()        # the dev cluster's node processes, as it printed them

stop_pid() {  # pid, seconds to wait after SIGTERM before SIGKILL
  local pid="$1" patience="$2"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((patience * 5))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  for pid in "${started_pids[@]}"; do stop_pid "$pid" 20; done
  # SIGTERM to `sluice dev` stops its nodes (controlled shutdown); any node still there after that is killed.
  [ -n "$dev_pid" ] && stop_pid "$dev_pid" 60
  for pid in "${node_pids[@]}"; do stop_pid "$pid" 5; done
  if [ "$status" = 0 ]; then rm -rf "$work"; else log "logs kept in $work"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- prerequisites
need_packages=()
command -v prometheus >/dev/null 2>&1 || need_packages+=(prometheus)
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
command -v python3 >/dev/null 2>&1 || need_packages+=(python3)
command -v curl >/dev/null 2>&1 || need_packages+=(curl)
if [ ${#need_packages[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing ${need_packages[*]}: run as root to install them from Debian"
  log "installing ${need_packages[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  systemctl disable --now prometheus >/dev/null 2>&1 || true   # only the binary is needed
fi

log "building the distribution if needed"
"$sluice" --version >/dev/null

# ---------------------------------------------------------------- the cluster and its load
log "starting a 3-node dev cluster at ports $base_port.. (data and logs in $work)"
"$sluice" dev --nodes 3 --base-port "$base_port" --data-dir "$work/data" >"$work/dev.out" 2>&1 &
dev_pid=$!
for _ in $(seq 240); do
  grep -q '^dev: ready' "$work/dev.out" && break
  kill -0 "$dev_pid" 2>/dev/null || { cat "$work/dev.out"; fail "sluice dev exited"; }
  sleep 0.5
done
grep -q '^dev: ready' "$work/dev.out" || fail "the dev cluster was not ready within 120 s"
mapfile -t node_pids < <(sed -n 's/^dev: node [0-9]* pid \([0-9]*\) .*/\1/p' "$work/dev.out")
[ ${#node_pids[@]} = 3 ] || fail "expected 3 node pids in $work/dev.out"
log "nodes up: pids ${node_pids[*]}"

"$sluice" topic create load --partitions 6 --replication-factor 3 --config min.insync.replicas=2 >/dev/null
# A second create is refused (TOPIC_ALREADY_EXISTS), so the error-rate panels have an error code to count.
"$sluice" topic create load --partitions 6 --replication-factor 3 >/dev/null 2>&1 && fail "a duplicate topic was created"

log "producing $records records at $rate records/s (acks=all) to topic load"
"$sluice" perf produce --topic load --records "$records" --record-size 200 --throughput "$rate" --acks all \
  >"$work/produce.out" 2>&1 &
producer_pid=$!
started_pids+=("$producer_pid")
"$sluice" consume load --group steady --from-beginning --timeout-ms 30000 >/dev/null 2>"$work/steady.err" &
started_pids+=($!)

# ---------------------------------------------------------------- Prometheus with the rules
python3 - "$root/deploy/alerts/sluice-rules.yml" "$work/rules.yml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
# Shorten one `for` window for this run only (see the header): the rule block of SluiceUnderReplicatedPartitions.
pattern = r"(- alert: SluiceUnderReplicatedPartitions\n(?:.*\n)*?\s+for: )5m"
text, count = re.subn(pattern, r"\g<1>30s", text, count=1)
assert count == 1, "SluiceUnderReplicatedPartitions has no 'for: 5m' to shorten"
open(sys.argv[2], "w").write(text)
EOF
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - $work/rules.yml
scrape_configs:
  - job_name: sluice
    static_configs:
      - targets: ['127.0.0.1:$((base_port + 2))', '127.0.0.1:$((base_port + 12))', '127.0.0.1:$((base_port + 22))']
EOF
promtool check config "$work/prometheus.yml" >/dev/null
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
started_pids+=($!)
for _ in $(seq 60); do curl -sf "$prom/-/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$prom/-/ready" >/dev/null || fail "Prometheus did not start (see $work/prometheus.log)"
log "Prometheus at $prom scraping the 3 nodes"

sleep 25
log "group lagging reads 20000 records and stops, so it falls behind"
"$sluice" consume load --group lagging --from-beginning --max-messages 20000 >/dev/null 2>"$work/lagging.err"

log "waiting 75 s so that every rate window holds samples"
sleep 75

# ---------------------------------------------------------------- every panel query
log "running every dashboard query"
python3 - "$root/deploy/dashboards" "$prom" <<'EOF' || failed "a dashboard query returned no series"
import glob, json, os, re, sys, urllib.parse, urllib.request
directory, prom = sys.argv[1], sys.argv[2]
values = {"job": "sluice", "namespace": ".*", "topic": ".*", "group": ".*", "node": ".*",
          "__rate_interval": "1m", "__interval": "1m", "__range": "1h"}
def substitute(expr):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: values[m.group(1)], expr)
def series(expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": substitute(expr)})
    answer = json.load(urllib.request.urlopen(url, timeout=30))
    if answer["status"] != "success":
        raise SystemExit("query failed: " + expr + ": " + json.dumps(answer))
    result = answer["data"]["result"]
    return len(result) if isinstance(result, list) else 1
rows, empty = [], 0
for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
    board = json.load(open(path))
    queries = []
    for panel in board["panels"] + [p for row in board["panels"] for p in row.get("panels", [])]:
        for target in panel.get("targets", []):
            queries.append((panel["title"], target["refId"], target["expr"]))
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            q = variable["query"]["query"]
            m = re.match(r"label_values\((.*),\s*\w+\)$", q)
            queries.append(("$" + variable["name"], "var", m.group(1) if m else q))
    for title, ref, expr in queries:
        n = series(expr)
        empty += n == 0
        rows.append((os.path.basename(path)[:-5], title, ref, n))
width = max(len(r[1]) for r in rows)
print("%-24s %-*s %-4s %s" % ("dashboard", width, "panel", "ref", "series"))
for board, title, ref, n in rows:
    print("%-24s %-*s %-4s %d%s" % (board, width, title, ref, n, "   <-- NO DATA" if n == 0 else ""))
print("queries: %d, with data: %d, empty: %d" % (len(rows), len(rows) - empty, empty))
sys.exit(1 if empty else 0)
EOF

# ---------------------------------------------------------------- the overview page in headless chromium
chrome=(chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1100
        --virtual-time-budget=8000)
# The page shows groups and throughput from the node's last two samples of the brokers; ask twice first so that
# it has them when chromium loads it (a browser would simply see them on its next poll).
for _ in 1 2 3; do curl -sf "$overview/api/overview" >/dev/null; sleep 1.5; done
log "saving a screenshot of the overview page to docs/images/overview.png"
mkdir -p "$root/docs/images"
"${chrome[@]}" --screenshot="$root/docs/images/overview.png" "$overview/" >/dev/null 2>"$work/chromium.log" \
  || failed "chromium could not take the screenshot (see $work/chromium.log)"

log "waiting for the producer to finish, so that the lag holds still"
wait "$producer_pid" || fail "the producer failed: $(tail -3 "$work/produce.out")"
tail -1 "$work/produce.out"
sleep 3
for _ in 1 2 3; do curl -sf "$overview/api/overview" >"$work/overview.json"; sleep 1.5; done
"${chrome[@]}" --dump-dom "$overview/" >"$work/overview.html" 2>>"$work/chromium.log"
python3 - "$work/overview.json" "$work/overview.html" <<'EOF' || failed "the overview page does not show what /api/overview says"
import json, re, sys
data, page = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
lagging = [g for g in data["groups"] if g["group"] == "lagging"]
assert lagging, "no group lagging in /api/overview"
lag = lagging[0]["lag"]
assert lag > 0, "group lagging has no lag"
assert 'data-topic="load"' in page, "topic load is not on the page"
shown = re.search(r'data-group="lagging".*?data-lag="(\d+)"[^>]*>([^<]*)<', page, re.S)
assert shown, "group lagging is not on the page"
assert int(shown.group(1)) == lag, "page shows lag %s, /api/overview %d" % (shown.group(1), lag)
assert shown.group(2).replace(",", "") == str(lag), "lag text %r" % shown.group(2)
load = [t for t in data["topics"] if t["name"] == "load"][0]
print("overview: topic load %d partitions, %s; group lagging lag %s (page shows %s); %d nodes, quorum leader %s"
      % (load["partitions"], "healthy" if not load["underReplicated"] else "under-replicated", lag,
         shown.group(2), len(data["nodes"]), data["quorum"]["leaderId"]))
EOF

# ---------------------------------------------------------------- a node dies: the alerts fire, then resolve
firing() {  # prints the names of firing alerts
  { curl -sf "$prom/api/v1/alerts" || echo '{"data":{"alerts":[]}}'; } | python3 -c '
import json, sys
print(" ".join(sorted({a["labels"]["alertname"] for a in json.load(sys.stdin)["data"]["alerts"] if a["state"] == "firing"})))'
}
victim_pid="${node_pids[2]}"
victim_log="$(sed -n 's/^dev: node 3 pid .* log \(.*\)$/\1/p' "$work/dev.out")"
mapfile -d '' -t victim_cmd <"/proc/$victim_pid/cmdline"
victim_cwd="$(readlink "/proc/$victim_pid/cwd")"
before="$(firing)"
[ -z "$before" ] || log "already firing before the kill: $before"
log "killing node 3 (pid $victim_pid) with SIGKILL"
kill -KILL "$victim_pid"
killed_at=$(date +%s)
fired_node_down="" fired_under_replicated=""
for _ in $(seq 150); do   # 300 s at most; the windows are 60 s and 30 s after the condition starts
  now="$(firing)"
  [ -z "$fired_node_down" ] && [[ " $now " == *" SluiceNodeDown "* ]] && fired_node_down=$(( $(date +%s) - killed_at ))
  [ -z "$fired_under_replicated" ] && [[ " $now " == *" SluiceUnderReplicatedPartitions "* ]] \
    && fired_under_replicated=$(( $(date +%s) - killed_at ))
  [ -n "$fired_node_down" ] && [ -n "$fired_under_replicated" ] && break
  sleep 2
done
[ -n "$fired_node_down" ] || failed "SluiceNodeDown did not fire within 300 s of the kill"
[ -n "$fired_under_replicated" ] || failed "SluiceUnderReplicatedPartitions did not fire within 300 s of the kill"
log "fired after the kill: SluiceNodeDown in ${fired_node_down} s (for: 1m), SluiceUnderReplicatedPartitions in ${fired_under_replicated} s (for: 30s here)"

log "restarting node 3 with its command line"
(cd "$victim_cwd" && exec "${victim_cmd[@]}" >>"${victim_log:-$work/node-3-restarted.log}" 2>&1 </dev/null) &
restarted_pid=$!
started_pids+=("$restarted_pid")
restarted_at=$(date +%s)
resolved=""
for _ in $(seq 150); do
  now="$(firing)"
  if [[ " $now " != *" SluiceNodeDown "* && " $now " != *" SluiceUnderReplicatedPartitions "* ]]; then
    resolved=$(( $(date +%s) - restarted_at )); break
  fi
  sleep 2
done
if [ -n "$resolved" ]; then
  log "both resolved ${resolved} s after the restart (still firing: ${now:-none})"
else
  failed "the alerts did not resolve within 300 s of the restart (firing: $(firing))"
fi
if [ ${#failures[@]} -gt 0 ]; then
  log "FAIL (${#failures[@]}): $(printf '%s; ' "${failures[@]}")"
  exit 1
fi
log "PASS"
