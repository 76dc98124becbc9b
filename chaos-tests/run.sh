#!/usr/bin/env bash
# Long chaos runs: chaos-tests/run.sh --minutes M --nemesis NAME,...|all [--seed S] [--topology combined|split]
#   [--workload append,groups,metadata] [--report-dir DIR]. Prints the seed; exits non-zero when a checker fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -f cli/target/dist/lib/sluice-cli.jar ] || [ ! -d chaos-tests/target/classes/dev/sluice/chaos ]; then
  ./mvnw -q -o -B -pl chaos-tests -am package -DskipTests
fi
cp_file="chaos-tests/target/chaos-classpath.txt"
if [ ! -s "$cp_file" ]; then
  ./mvnw -q -o -B -pl chaos-tests dependency:build-classpath -Dmdep.outputFile="$root/$cp_file" >/dev/null
fi
exec java -Xmx1g -Dsluice.root="$root" -cp "chaos-tests/target/classes:$(cat "$cp_file")" dev.sluice.chaos.ChaosMain "$@"
