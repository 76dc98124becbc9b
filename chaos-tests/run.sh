#!/usr/bin/env bash
# Long chaos runs: chaos-tests/run.sh --minutes M --nemesis NAME,...|all [--seed S] [--topology combined|split]
#   [--workload append|kafka-append,groups,metadata] [--report-dir DIR] [--topic-config key=value,...]
#   [--security plaintext|tls-scram]. Prints the seed; exits non-zero when a checker fails. The power-loss nemeses
#   build LazyFS on first use (scripts/build-lazyfs.sh). --security tls-scram: TLS, SCRAM users and ACLs (docs/chaos.md).
# Builds Sluice and the chaos tests first when they were never built or a source changed since the last build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="chaos-tests/target/chaos-classpath.txt"
marker="chaos-tests/target/run-build.marker"
needs_build() {
  [ ! -s "$cp_file" ] || [ ! -f "$marker" ] || [ ! -f cli/target/dist/lib/sluice-cli.jar ] && return 0
  [ -n "$(find "$root" -path "$root/*/target" -prune -o \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \
          -o -name '*.xml' -path '*/src/main/resources/*' \) -newer "$marker" -print -quit 2>/dev/null)" ]
}
if needs_build; then
  echo "chaos: building Sluice and the chaos tests (first use or changed sources; takes a few minutes)..." >&2
  # One reactor build: the classpath then names the modules' freshly packaged jars, never stale copies in ~/.m2.
  # Each module writes target/chaos-classpath.txt; the chaos-tests module's is the one used.
  ./mvnw -q -B -pl chaos-tests -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/chaos-classpath.txt >/dev/null
  touch "$marker"
fi
# A private copy of the classes and of Sluice's own jars, so a rebuild during a long run cannot change code under
# the running JVM (the nodes run cli/target/dist: do not rebuild while a run is going).
for old in chaos-tests/target/run-classes-*; do  # copies of earlier runs whose JVM is gone
  [ -e "$old" ] || continue
  pid="${old#chaos-tests/target/run-classes-}"
  kill -0 "${pid%-jars}" 2>/dev/null || rm -rf "$old"
done
classes="chaos-tests/target/run-classes-$$"
cp -r chaos-tests/target/classes "$classes"
mkdir -p "$classes-jars"
classpath="$classes"
IFS=":" read -r -a entries < "$cp_file" || true  # no newline at the end: read says EOF
for entry in "${entries[@]}"; do
  case "$entry" in
    "$root"/*/target/*.jar) cp "$entry" "$classes-jars/" && entry="$classes-jars/$(basename "$entry")" ;;
  esac
  classpath="$classpath:$entry"
done
exec java -Xmx3g -Dsluice.root="$root" -cp "$classpath" dev.sluice.chaos.ChaosMain "$@"
