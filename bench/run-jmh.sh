#!/usr/bin/env bash
# bench/run-jmh.sh [JMH options]: builds the bench module and runs its JMH micro-benchmarks, e.g.
#   bench/run-jmh.sh -f 1 -wi 3 -i 5 PartitionLog
#   bench/run-jmh.sh -f 1 -wi 3 -w 2s -i 3 -r 2s RaftCore
# Numbers from this shared 2-core machine are noisy: compare runs of the same build, never single values.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Offline first (every dependency is in the local repository after any build), online only if that fails.
(cd "$root" && { ./mvnw -o -q -B -DskipTests -pl bench -am package || ./mvnw -q -B -DskipTests -pl bench -am package; }) >&2
exec java -cp "$root/bench/target/classes:$root/bench/target/lib/*" org.openjdk.jmh.Main "$@"
