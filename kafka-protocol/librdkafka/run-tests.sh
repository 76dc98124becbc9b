#!/usr/bin/env bash
# kafka-protocol/librdkafka/run-tests.sh [--tests 0001,0012,...] [--nodes 3] [--cap SECONDS per test, 240]
#
# Runs librdkafka's own test programs (built by build.sh from the npm package @confluentinc/kafka-javascript) against
# a cluster of real `bin/sluice server` processes on free ports (bench/lib/sluice-cluster.sh), through their Kafka
# listeners. Each test runs alone (test-runner -p1), in full (not librdkafka's quick mode -Q, which skips most
# sub-tests), under a per-test cap, with the broker version set to 4.1.0 so that no test falls back to old-broker
# behaviour. Version and test name go in the
# environment (TEST_KAFKA_VERSION, TESTS): test-runner frees its -V and name arguments at exit and then aborts.
#
# What runs: every test of 0001-0100 that needs a broker (librdkafka's TEST_F_LOCAL tests test the client alone),
# minus the tests named in ignore.txt, each with the Sluice feature it needs. Prints one line per test
# (PASS/FAIL/TIMEOUT/SKIPPED with seconds; SKIPPED when librdkafka skips the test itself), then "passed P of N";
# exits 1 if any failed. Logs per test stay in the directory printed at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nodes=3 only="" cap=240
usage() { echo "usage: run-tests.sh [--tests 0001,0012,...] [--nodes N] [--cap SECONDS]" >&2; exit 2; }
while (($#)); do
  case "$1" in
    --tests) [[ "${2:-}" =~ ^[0-9,]+$ ]] || usage; only="$2"; shift 2 ;;
    --nodes) [[ "${2:-}" =~ ^[1-9]$ ]] || usage; nodes="$2"; shift 2 ;;
    --cap) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage; cap="$2"; shift 2 ;;
    *) usage ;;
  esac
done

"$here/build.sh"
tests_dir="$(ls -d "$here"/../target/librdkafka/kafka-javascript-*/deps/librdkafka/tests | head -1)"
runner="$tests_dir/test-runner"
[ -x "$runner" ] || { echo "run-tests.sh: $runner missing after build.sh" >&2; exit 1; }

# The test names (e.g. 0012_produce_consume) in 0001-0100 that are not local-only, from test.c's table.
mapfile -t all < <(python3 - "$tests_dir/test.c" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
table = src[src.index("struct test tests[] = {"):]
table = table[:table.index("{NULL}")] if "{NULL}" in table else table
for m in re.finditer(r"_TEST\((\d{4}_\w+),\s*([^,\)]*)", table):
    name, flags = m.group(1), m.group(2)
    if 1 <= int(name[:4]) <= 100 and "TEST_F_LOCAL" not in flags:
        print(name)
PY
)
declare -A ignored=()
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  ignored["${line%% *}"]="${line#* }"
done <"$here/ignore.txt"

selected=()
for name in "${all[@]}"; do
  [[ -n "${ignored[$name]:-}" ]] && continue
  if [[ -n "$only" ]]; then
    [[ ",$only," == *",${name:0:4},"* ]] || continue
  fi
  selected+=("$name")
done
((${#selected[@]})) || { echo "run-tests.sh: no test selected" >&2; exit 2; }

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/sluice-librdkafka.XXXXXX")"
HEAP=768m JVM_PERF_OPTS="" TOOL_OPTS="-Xmx256m"
# librdkafka's default test scenario (tests/scenarios/default.json): auto-created topics get 4 partitions, 3 replicas.
SERVER_CONFIG="$run_dir/server.properties"
printf 'num.partitions=4\ndefault.replication.factor=%d\nauto.create.topics.enable=true\n' \
  "$((nodes < 3 ? nodes : 3))" >"$SERVER_CONFIG"
# shellcheck source=../../bench/lib/sluice-cluster.sh
source "$root/bench/lib/sluice-cluster.sh"
trap 'cluster_stop; rm -rf "$run_dir"/*node-*/data; echo "# logs: $run_dir" >&2' EXIT
trap 'exit 130' INT TERM

"$root/bin/sluice" --version >/dev/null # builds the distribution once if the sources changed
export SLUICE_SKIP_BUILD=1
cluster_start "$nodes"
echo "# $nodes Sluice nodes ready: kafka=$KAFKA_BOOTSTRAP; ${#selected[@]} tests (${#ignored[@]} ignored: ignore.txt)"
cat >"$run_dir/test.conf" <<CONF
metadata.broker.list=$KAFKA_BOOTSTRAP
test.timeout.multiplier=3
test.topic.random=true
CONF

passed=0 failed=() skipped=()
for name in "${selected[@]}"; do
  start=$SECONDS
  set +e
  (cd "$tests_dir" && LD_LIBRARY_PATH="../src:../src-cpp" RDKAFKA_TEST_CONF="$run_dir/test.conf" TESTS="$name" TEST_KAFKA_VERSION=4.1.0 \
     timeout --kill-after=10 "$cap" ./test-runner -p1 -L -S) >"$run_dir/$name.log" 2>&1
  rc=$?
  set -e
  took=$((SECONDS - start))
  if ((rc == 0)) && grep -q "\[$name *\/.*SKIPPING TEST" "$run_dir/$name.log"; then
    skipped+=("$name"); printf 'SKIPPED  %-45s %4d s  (%s)\n' "$name" "$took" \
      "$(grep -m1 -o "SKIPPING TEST.*" "$run_dir/$name.log" | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-120)"
  elif ((rc == 0)); then
    passed=$((passed + 1)); printf 'PASS     %-45s %4d s\n' "$name" "$took"
  elif ((rc == 124 || rc == 137)); then
    failed+=("$name"); printf 'TIMEOUT  %-45s %4d s\n' "$name" "$took"
  else
    failed+=("$name"); printf 'FAIL     %-45s %4d s  (%s)\n' "$name" "$took" \
      "$(grep -m1 -E 'FAIL|TEST FAILURE' "$run_dir/$name.log" | cut -c1-150)"
  fi
done
echo "passed $passed of ${#selected[@]}, skipped by librdkafka itself ${#skipped[@]} ($(basename "$(dirname "$(dirname "$(dirname "$tests_dir")")")")'s librdkafka; ${#ignored[@]} ignored)"
((${#failed[@]} == 0)) || { echo "failed: ${failed[*]}"; exit 1; }
