#!/usr/bin/env bash
# Long chaos runs: chaos-tests/run.sh --minutes M --nemesis NAME,...|all [--seed S] [--topology combined|split]
#   [--workload append,groups,metadata] [--report-dir DIR]. Prints the seed; exits non-zero when a checker fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -f cli/target/dist/lib/sluice-cli.jar ] || [ ! -d chaos-tests/target/classes/dev/sluice/chaos ]; then
  ./mvnw -q -B -pl chaos-tests -am package -DskipTests
fi
cp_file="chaos-tests/target/chaos-classpath.txt"
if [ ! -s "$cp_file" ]; then
  ./mvnw -q -B -pl chaos-tests dependency:build-classpath -Dmdep.outputFile="$root/$cp_file" >/dev/null
fi
# A private copy of the classes and of Sluice's own jars (the client, from the local Maven repository), so a
# rebuild or an `install` during a long run cannot change code under the running JVM.
classes="chaos-tests/target/run-classes-$$"
cp -r chaos-tests/target/classes "$classes"
mkdir -p "$classes-jars"
classpath="$classes"
IFS=":" read -r -a entries < "$cp_file" || true  # no newline at the end: read says EOF
for entry in "${entries[@]}"; do
  case "$entry" in
    */dev/sluice/*.jar) cp "$entry" "$classes-jars/" && entry="$classes-jars/$(basename "$entry")" ;;
  esac
  classpath="$classpath:$entry"
done
exec java -Xmx3g -Dsluice.root="$root" -cp "$classpath" dev.sluice.chaos.ChaosMain "$@"
