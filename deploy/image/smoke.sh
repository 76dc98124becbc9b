#!/usr/bin/env bash
# deploy/image/smoke.sh [IMAGE_TAR]
#
# Runs the Sluice image the way a user would, with Debian's containerd and runc (no Docker engine needed), and checks
# it: imports IMAGE_TAR (default: builds it with Jib from a local base, see below), starts one node with
# `ctr run --net-host` with the image's own user, entrypoint and arguments (so on ports 7092-7094, which must be
# free), the data volume bound to a host directory owned by uid 1000, waits for /readyz, reads /metrics, produces and
# consumes 100 records through the node's port with the host's bin/sluice, then sends SIGTERM and expects the JVM
# to shut down cleanly within 30 s (controlled shutdown and store close in its log; exit 143, the JVM's code after
# SIGTERM, or 0). Prints one line per check and "smoke: ok" at the
# end; exits non-zero at the first failure, with the container's log.
#
# Without IMAGE_TAR it builds the distribution and the image: base image from deploy/image/build-base.sh (cached in
# deploy/image/target/sluice-base.tar; SLUICE_IMAGE_BASE overrides it with any Jib base reference), then
# `jib:buildTar`. Needs root (containerd); installs containerd and runc with apt-get when missing, and starts
# containerd for the run if it is not running (stopping it again at the end). Stops everything it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="$root/deploy/image/target"
mkdir -p "$target"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
check() { printf 'smoke: %s\n' "$*"; }

[[ "$(id -u)" == 0 ]] || { echo "smoke.sh: needs root (containerd)" >&2; exit 1; }
for tool in ctr runc curl; do
  command -v "$tool" >/dev/null || {
    log "installing containerd and runc from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q containerd runc curl >/dev/null
    break
  }
done

image_tar="${1:-}"
if [[ -z "$image_tar" ]]; then
  base="${SLUICE_IMAGE_BASE:-}"
  if [[ -z "$base" ]]; then
    [[ -f "$target/sluice-base.tar" ]] || "$root/deploy/image/build-base.sh" "$target/sluice-base.tar"
    base="tar://$target/sluice-base.tar"
  fi
  log "building the image (base $base)"
  (cd "$root" && ./mvnw -B -q -pl cli -am package com.google.cloud.tools:jib-maven-plugin:3.5.2:buildTar -DskipTests -Dcheckstyle.skip \
    -Djib.containerize=dev.sluice:sluice-cli -Dimage.base="$base" -Dimage.name=sluice:smoke)
  image_tar="$root/cli/target/jib-image.tar"
fi

containerd_pid=""
namespace="sluice-smoke"
container="sluice-smoke-$$"
cleanup() {
  ctr -n "$namespace" task kill -s SIGKILL "$container" >/dev/null 2>&1 || true
  ctr -n "$namespace" task delete "$container" >/dev/null 2>&1 || true
  ctr -n "$namespace" container delete "$container" >/dev/null 2>&1 || true
  [[ -n "$containerd_pid" ]] && kill "$containerd_pid" 2>/dev/null && wait "$containerd_pid" 2>/dev/null || true
}
trap cleanup EXIT
if ! ctr version >/dev/null 2>&1; then
  log "starting containerd for this run"
  containerd >"$target/containerd.log" 2>&1 &
  containerd_pid=$!
  for _ in $(seq 1 50); do ctr version >/dev/null 2>&1 && break; sleep 0.2; done
fi

ref="$(ctr -n "$namespace" image import --all-platforms "$image_tar" 2>&1 | awk '/^unpacking/ {print $2}' | head -1)"
[[ -n "$ref" ]] || ref="$(ctr -n "$namespace" image ls -q | head -1)"
check "imported $ref"

# The image runs unchanged: its own entrypoint and arguments, so its default ports on the host's network.
broker_port=7092; http_port=7094
for port in 7092 7093 7094; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "smoke.sh: port $port is in use; the image's default ports 7092-7094 must be free" >&2; exit 1
  fi
done
# The data volume: a host directory owned by the image's user, as a Kubernetes fsGroup would make it.
data="$(mktemp -d "${TMPDIR:-/tmp}/sluice-smoke-data.XXXXXX")"
chown 1000:1000 "$data"
out="$target/container.log"
ctr -n "$namespace" run --net-host --mount "type=bind,src=$data,dst=/var/lib/sluice,options=rbind:rw" \
  "$ref" "$container" >"$out" 2>&1 &
runner=$!

ready=""
for _ in $(seq 1 150); do
  if curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$runner" 2>/dev/null || break
  sleep 0.2
done
[[ -n "$ready" ]] || { cat "$out" >&2; echo "smoke: FAILED: /readyz never answered 200" >&2; exit 1; }
check "/readyz answered 200"
pid="$(ctr -n "$namespace" task ls | awk -v c="$container" '$1 == c {print $2}')"
uid="$(ps -o uid= -p "$pid" | tr -d ' ')"
[[ "$uid" == 1000 ]] || { echo "smoke: FAILED: the JVM runs as uid $uid, not the image's user 1000" >&2; exit 1; }
# Exec form: the container's first process is the JVM itself (no shell in between to swallow SIGTERM).
[[ "$(ps -o comm= -p "$pid")" == java ]] || { echo "smoke: FAILED: pid $pid is $(ps -o comm= -p "$pid"), not java" >&2; exit 1; }
check "the JVM is pid $pid, uid 1000 (exec form, non-root)"
curl -sf "http://127.0.0.1:$http_port/metrics" | grep -q '^sluice_' ||
  { echo "smoke: FAILED: /metrics has no sluice_ series" >&2; exit 1; }
check "/metrics serves sluice_ series"

export SLUICE_SKIP_BUILD=1
"$root/bin/sluice" topic create smoke --partitions 3 --replication-factor 1 --brokers "127.0.0.1:$broker_port" >/dev/null
seq 1 100 | sed 's/^/record-/' | "$root/bin/sluice" produce smoke --brokers "127.0.0.1:$broker_port" >/dev/null
consumed="$("$root/bin/sluice" consume smoke --from-beginning --max-messages 100 --timeout-ms 20000 \
  --brokers "127.0.0.1:$broker_port" 2>/dev/null | grep -c '^record-' || true)"
[[ "$consumed" == 100 ]] || { echo "smoke: FAILED: consumed $consumed of 100 records" >&2; exit 1; }
check "produced and consumed 100 records through port $broker_port"

ctr -n "$namespace" task kill -s SIGTERM "$container"
for _ in $(seq 1 150); do kill -0 "$runner" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$runner" 2>/dev/null; then cat "$out" >&2; echo "smoke: FAILED: still running 30 s after SIGTERM" >&2; exit 1; fi
code=0; wait "$runner" || code=$?
status="$(ctr -n "$namespace" task ls 2>/dev/null | awk -v c="$container" '$1 == c {print $3}')"
# A JVM that ran its shutdown hooks on SIGTERM exits with 143 (128 + 15), as Kafka's does; clean means the hooks
# finished: the controlled shutdown moved every leadership away and the partition store was closed.
[[ "$code" == 0 || "$code" == 143 ]] || { tail -30 "$out" >&2; echo "smoke: FAILED: exit code $code after SIGTERM" >&2; exit 1; }
grep -q 'controlled shutdown done' "$out" && grep -q 'Closed log store' "$out" ||
  { tail -30 "$out" >&2; echo "smoke: FAILED: no controlled shutdown or store close in the log" >&2; exit 1; }
check "SIGTERM: controlled shutdown done, store closed, exit $code${status:+ (task $status)}"
rm -rf "$data"
check ok
