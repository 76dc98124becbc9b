#!/usr/bin/env bash
# Runs the Jazzer fuzz tests in fuzzing mode, one target after another, each for N minutes (default 10).
#
#   tools/fuzz.sh [--minutes N] [--target NAME] [--list]
#
# NAME matches a target's class or Class#method (a substring is enough, e.g. --target BatchValidator).
# Every test run (./mvnw verify) already replays each target's seed corpus and past findings in regression mode;
# this script is the long run. Each target gets its own JVM (libFuzzer keeps global state: one fuzz test per
# process), started directly with Jazzer's driver so that libFuzzer's statistics reach the log.
#
# Kept: a finding (crash-<sha1>) goes into the target's inputs directory,
#   <module>/src/test/resources/<package>/<Class>Inputs/<method>/,
# where every later test run replays it (it fails until the bug is fixed); the inputs that libFuzzer found
# interesting go to <module>/.cifuzz-corpus/<Class>/<method>/ (git-ignored) and seed the next run.
# Logs: target/fuzz/<Class>#<method>.log. Prints one summary line per target and exits non-zero on a finding.
# Jazzer's RegexInjection detector is off: a group member's subscribed_topic_regex is a client's regex by design (see
# docs/fuzzing.md). Extra Maven flags (e.g. -o for offline) come from FUZZ_MAVEN_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."

# module  class  method
TARGETS=(
  "broker dev.sluice.broker.partition.BatchValidatorFuzzTest batchBytes"
  "broker dev.sluice.broker.partition.BatchValidatorFuzzTest builtBatch"
  "broker dev.sluice.broker.rpc.BrokerRequestsFuzzTest requestBytes"
  "broker dev.sluice.broker.server.TopicConfigsFuzzTest topicConfigs"
  "metadata-raft dev.sluice.controller.ControllerRequestsFuzzTest requests"
  "cli dev.sluice.cli.CliFuzzTest arguments"
  "cli dev.sluice.cli.CliFuzzTest serverConfigFile"
)

minutes=10
filter=""
list=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --target) filter="$2"; shift 2 ;;
    --list) list=true; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$minutes" =~ ^[0-9]+$ ]] || [[ "$minutes" -lt 1 ]]; then
  echo "fuzz: --minutes takes a whole number of minutes >= 1, got '$minutes'" >&2
  exit 2
fi

selected=()
for entry in "${TARGETS[@]}"; do
  read -r module class method <<<"$entry"
  if [[ -z "$filter" || "${class##*.}#$method" == *"$filter"* ]]; then
    selected+=("$entry")
  fi
done
if [[ ${#selected[@]} -eq 0 ]]; then
  echo "fuzz: no target matches '$filter'; targets:" >&2
  for entry in "${TARGETS[@]}"; do read -r _ class method <<<"$entry"; echo "  ${class##*.}#$method" >&2; done
  exit 2
fi
if $list; then
  for entry in "${selected[@]}"; do read -r module class method <<<"$entry"; echo "$module ${class##*.}#$method"; done
  exit 0
fi

# Compiles each module once (with what it depends on) and writes its test classpath.
modules=$(for entry in "${selected[@]}"; do read -r module _ <<<"$entry"; echo "$module"; done | sort -u)
for module in $modules; do
  echo "fuzz: compiling $module and its test classpath"
  # shellcheck disable=SC2086
  ./mvnw -B -q ${FUZZ_MAVEN_FLAGS:-} -pl "$module" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test >/dev/null
done

mkdir -p target/fuzz
findings=0
for entry in "${selected[@]}"; do
  read -r module class method <<<"$entry"
  name="${class##*.}#$method"
  log="$PWD/target/fuzz/$name.log"
  classpath="target/test-classes:target/classes:$(cat "$module/target/fuzz.classpath")"
  echo "fuzz: $name for $minutes min (log: target/fuzz/$name.log)"
  status=0
  (cd "$module" && java -Xmx2g -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
      --target_class="$class" --target_method="$method" \
      --instrumentation_includes='dev.sluice.**:com.google.protobuf.**:picocli.**' \
      --disabled_hooks=com.code_intelligence.jazzer.sanitizers.RegexInjection \
      -max_total_time=$((minutes * 60)) -print_final_stats=1) >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -1)
  stats=$(grep -a -E '^#[0-9]+' "$log" | tail -1 || true)
  coverage=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$stats")
  features=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$stats")
  corpus=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$stats")
  finding=$(sed -n "s/.*Test unit written to \(.*\)/\1/p" "$log" | tail -1)
  if [[ -z "$executions" ]]; then
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  fi
  if [[ -n "$finding" || $status -ne 0 ]]; then
    findings=$((findings + 1))
    result="FINDING ${finding:-"(exit code $status, see the log)"}"
  else
    result="ok"
  fi
  echo "fuzz: target=$name minutes=$minutes executions=${executions:-?} coverage=${coverage:-?}" \
    "features=${features:-?} corpus=${corpus:-?} result=$result"
done
[[ $findings -eq 0 ]]
