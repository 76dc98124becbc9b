# bench/lib/compare-aggregate.awk: the figures of bench/compare.sh, from its per-run result files. Pure: text in, text
# out (bench/src/test/.../CompareAggregateTest runs it on fixed inputs).
#
# Input: one file per run of one side. Its first line is "# side=kafka|sluice round=N"; its result lines are the side
# script's "workload=NAME key=value ... status=S" lines with the CPU fields compare.sh adds (server_cpu_ms=,
# client_cpu_ms=; "na" when not measured). Other lines are ignored.
#
# Figures: records_per_sec, server_cpu_ms_per_million_records and client_cpu_ms_per_million_records (CPU ms x 10^6 /
# records) for produce_* and consume_* workloads; p99_ms for e2e_* workloads. A figure counts only from a run whose
# status is ok. ratio > 1.0 means Sluice leads: Sluice/Kafka for records/s, Kafka/Sluice for latency and CPU.
#
# Output, in the workloads' first-seen order:
#   compare_round round=N workload=W figure=F kafka=X sluice=Y ratio=Z kafka_status=S sluice_status=S   (every round)
#   compare workload=W figure=F kafka=MEDIAN sluice=MEDIAN ratio=MEDIAN_OF_ROUND_RATIOS rounds=N
#           kafka_status=S sluice_status=S      (S = ok, or the per-round statuses joined by commas, e.g. ok,timeout)
#   # NOT OK: workload=W side=kafka|sluice round=N status=S  (every run that did not end ok, including timeouts)
# A value without a measurement is "na", and so is a ratio without both values.

function field(line, key,   n, i, parts, eq) {
  n = split(line, parts, " ")
  for (i = 1; i <= n; i++) {
    eq = index(parts[i], "=")
    if (eq > 0 && substr(parts[i], 1, eq - 1) == key) return substr(parts[i], eq + 1)
  }
  return ""
}
function isnum(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
function fmt(v) {
  if (v == "na") return v
  if (v == int(v) && v < 1e15 && v > -1e15) return sprintf("%d", v)
  if (v >= 100 || v <= -100) return sprintf("%.1f", v)
  return sprintf("%.3f", v)
}
function median(values, n,   i, j, t, sorted) {
  if (n == 0) return "na"
  for (i = 1; i <= n; i++) sorted[i] = values[i] + 0
  for (i = 2; i <= n; i++) {
    t = sorted[i]
    for (j = i - 1; j >= 1 && sorted[j] > t; j--) sorted[j + 1] = sorted[j]
    sorted[j + 1] = t
  }
  return (n % 2) ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
}
function ratio(k, s, higherIsBetter) {
  if (k == "na" || s == "na") return "na"
  if (higherIsBetter) return (k > 0) ? s / k : "na"
  return (s > 0) ? k / s : "na"
}
# The value of one figure of one run, or "na".
# The status of one run (without creating the entry), "missing" if that run printed no line for the workload.
function st(side, round, name) { return ((side, round, name) in status) ? status[side, round, name] : "missing" }
function figure(side, round, name, fig,   rec, cpu) {
  if (st(side, round, name) != "ok") return "na"
  if (fig == "records_per_sec" || fig == "p99_ms") {
    return isnum(raw[side, round, name, fig]) ? raw[side, round, name, fig] + 0 : "na"
  }
  rec = raw[side, round, name, "records"]
  cpu = raw[side, round, name, (fig == "server_cpu_ms_per_million_records") ? "server_cpu_ms" : "client_cpu_ms"]
  return (isnum(rec) && rec > 0 && isnum(cpu)) ? cpu * 1e6 / rec : "na"
}
function statuses(side, name,   r, all, s, ok) {
  ok = 1; all = ""
  for (r = 1; r <= rounds; r++) {
    s = st(side, r, name)
    if (s != "ok") ok = 0
    all = all (r > 1 ? "," : "") s
  }
  return ok ? "ok" : all
}
function show(name, fig, higherIsBetter,   r, k, s, q, nk, ns, nq, kv, sv, qv) {
  nk = ns = nq = 0
  for (r = 1; r <= rounds; r++) {
    k = figure("kafka", r, name, fig); s = figure("sluice", r, name, fig); q = ratio(k, s, higherIsBetter)
    printf "compare_round round=%d workload=%s figure=%s kafka=%s sluice=%s ratio=%s kafka_status=%s sluice_status=%s\n",
      r, name, fig, fmt(k), fmt(s), (q == "na" ? q : sprintf("%.2f", q)), st("kafka", r, name), st("sluice", r, name)
    if (k != "na") kv[++nk] = k
    if (s != "na") sv[++ns] = s
    if (q != "na") qv[++nq] = q
  }
  q = median(qv, nq)
  summary[++summaries] = sprintf("compare workload=%s figure=%s kafka=%s sluice=%s ratio=%s rounds=%d kafka_status=%s sluice_status=%s",
    name, fig, fmt(median(kv, nk)), fmt(median(sv, ns)), (q == "na" ? q : sprintf("%.2f", q)), rounds,
    statuses("kafka", name), statuses("sluice", name))
}

FNR == 1 {
  side = field($0, "side"); round = field($0, "round") + 0
  if ($1 != "#" || (side != "kafka" && side != "sluice") || round < 1) {
    printf "compare-aggregate: %s does not start with '# side=kafka|sluice round=N'\n", FILENAME > "/dev/stderr"
    bad = 1; exit 2
  }
  if (round > rounds) rounds = round
}
/^workload=/ {
  name = field($0, "workload")
  if (!(name in order)) { order[name] = ++count; names[count] = name }
  status[side, round, name] = field($0, "status")
  split("records_per_sec p99_ms records server_cpu_ms client_cpu_ms", keys, " ")
  for (i in keys) raw[side, round, name, keys[i]] = field($0, keys[i])
}
END {
  if (bad) exit 2
  for (i = 1; i <= count; i++) {
    name = names[i]
    if (name ~ /^(produce|consume)_/) {
      show(name, "records_per_sec", 1)
      show(name, "server_cpu_ms_per_million_records", 0)
      show(name, "client_cpu_ms_per_million_records", 0)
    } else if (name ~ /^e2e_/) {
      show(name, "p99_ms", 0)
    }
  }
  printf "# medians over %d round(s); ratio = median of the per-round ratios, > 1.0 means Sluice leads\n", rounds
  for (i = 1; i <= summaries; i++) print summary[i]
  split("kafka sluice", sides, " ")
  for (i = 1; i <= count; i++)
    for (r = 1; r <= rounds; r++)
      for (j = 1; j <= 2; j++)
        if (st(sides[j], r, names[i]) != "ok")
          printf "# NOT OK: workload=%s side=%s round=%d status=%s\n", names[i], sides[j], r, st(sides[j], r, names[i])
}
