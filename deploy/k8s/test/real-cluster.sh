#!/usr/bin/env bash
# deploy/k8s/test/real-cluster.sh [--chart DIR] [--image TAR] [--cache DIR] [--keep] [--no-roll]
#
# Runs the chart for real on a one-node Kubernetes 1.20 cluster made on this machine, and checks Sluice works there:
#   1. the cluster: etcd, kube-apiserver, kube-scheduler, kube-controller-manager, kube-proxy and the kubelet (built
#      from Debian's source package by lib/tools.sh), Debian's containerd + runc as the runtime (a private instance)
#      and CNI plugins (bridge, host-local), a DNS server for cluster names (lib/node.sh says how), and hostPath
#      PersistentVolumes for the pods' claims; the node must become Ready;
#   2. the image: the sluice image (--image TAR, or built here: deploy/image/build-base.sh's local JRE base, then
#      Jib's buildTar) and the pause image, imported into containerd's k8s.io namespace;
#   3. `helm install` with real-cluster/values.yaml (3 controllers + 3 brokers): every PVC bound, every pod Ready
#      (the startup and readiness probes on /readyz pass: quorum formed over the pods' DNS names);
#   4. from this host, through the client Service's cluster IP (kube-proxy) and the brokers' advertised names:
#      create a topic (replication factor 3), produce 1000 records with acks=all, consume all 1000;
#   5. unless --no-roll: a rolling restart of the broker StatefulSet, then of the controller StatefulSet
#      (`kubectl rollout restart`, one pod at a time, each next pod only after the last one is Ready again) while an
#      acks=all producer runs; partition health is sampled meanwhile (no partition may lose its leader; how often
#      one is under-replicated is reported); then every acknowledged record must be consumed (none lost).
# Prints PASS/FAIL per check and a summary; exits 1 on failure. Needs root: containerd, network namespaces, mounts,
# iptables (kube-proxy's rules are removed again at the end). Stops every process it started, removes the pods'
# containers, the bridge and the mounts on exit; --keep leaves the work directory (logs) in place.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
chart="$root/deploy/k8s/sluice"
image_tar=""
K8S_CACHE="${SLUICE_K8S_CACHE:-$HOME/.cache/sluice-k8s}"
keep=""
roll=1
while (($#)); do
  case "$1" in
    --chart) chart="$2"; shift 2 ;;
    --image) image_tar="$2"; shift 2 ;;
    --cache) K8S_CACHE="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-roll) roll=""; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "real-cluster.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=lib/tools.sh
. "$here/lib/tools.sh"
# shellcheck source=lib/apiserver.sh
. "$here/lib/apiserver.sh"
# shellcheck source=lib/node.sh
. "$here/lib/node.sh"
# shellcheck source=lib/checks.sh
. "$here/lib/checks.sh"

started="$(date +%s)"
[[ "$(id -u)" == 0 ]] || die "needs root (containerd, network namespaces, iptables)"
[[ -f "$chart/Chart.yaml" ]] || die "no chart at $chart (--chart DIR)"
chart="$(cd "$chart" && pwd)"
values="$here/real-cluster/values.yaml"
image_ref="sluice:k8s-test"  # the name the image is built with here

ensure_debs etcd-server openssl curl jq containerd runc containernetworking-plugins iptables conntrack dnsmasq-base
ensure_k8s_binaries kube-apiserver kubelet kube-scheduler kube-controller-manager kube-proxy
ensure_helm_kubectl
ensure_pause_image
kubectl="$K8S_CACHE/bin/kubectl"
helm="$K8S_CACHE/bin/helm"

if [[ -z "$image_tar" ]]; then
  base="$root/deploy/image/target/sluice-base.tar"
  [[ -f "$base" ]] || "$root/deploy/image/build-base.sh" "$base"
  log "building the sluice image with Jib (base $base)"
  (cd "$root" && nice ./mvnw -B -q -o -pl cli -am package com.google.cloud.tools:jib-maven-plugin:3.5.2:buildTar \
    -DskipTests -Dcheckstyle.skip -Djib.containerize=dev.sluice:sluice-cli -Dimage.base="tar://$base" \
    -Dimage.name="$image_ref") || die "the image build failed"
  image_tar="$root/cli/target/jib-image.tar"
fi
[[ -f "$image_tar" ]] || die "no image tar $image_tar"
export SLUICE_SKIP_BUILD=1
[[ -f "$root/cli/target/dist/lib/sluice-cli.jar" ]] ||
  (cd "$root" && nice ./mvnw -B -q -o -pl cli -am package -DskipTests -Dcheckstyle.skip) || die "the cli build failed"

work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-real-cluster.XXXXXX")"
cleanup() {
  set +e
  log "stopping: pods, containers, processes, network, mounts"
  # Pods stopped through the kubelet first, so the runtime tears their networks down; then whatever is left.
  if [[ -n "${K8S_API_URL:-}" ]]; then
    "$kubectl" -n sluice delete statefulset --all --wait=false >/dev/null 2>&1
    "$kubectl" -n sluice delete pod --all --grace-period=1 --timeout=90s >/dev/null 2>&1
  fi
  k8s_remove_containers
  k8s_stop_all
  k8s_cleanup_iptables
  k8s_remove_leftover_netns
  k8s_unmount_under "$work"
  k8s_remove_pod_network
  if [[ -n "$keep" ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export HELM_CACHE_HOME="$work/helm/cache" HELM_CONFIG_HOME="$work/helm/config" HELM_DATA_HOME="$work/helm/data"

# 1. The cluster.
node_ip="$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") {print $(i + 1); exit}}')"
[[ -n "$node_ip" ]] || node_ip="$(hostname -I | awk '{print $1}')"
[[ -n "$node_ip" ]] || die "no IPv4 address for the node"
k8s_pki "$work/pki" IP:127.0.0.1 "IP:$node_ip" DNS:localhost IP:10.96.0.1
k8s_client_cert "$work/pki" admin admin system:masters
k8s_client_cert "$work/pki" apiserver-kubelet kube-apiserver-kubelet-client system:masters
k8s_start_etcd "$work"
k8s_start_apiserver "$work" "$work/pki" 127.0.0.1 --endpoint-reconciler-type=none --kubelet-preferred-address-types=InternalIP \
  --kubelet-client-certificate="$work/pki/apiserver-kubelet.crt" --kubelet-client-key="$work/pki/apiserver-kubelet.key"
export KUBECONFIG="$work/admin.kubeconfig"
k8s_pod_network "$work"
k8s_start_containerd "$work"
k8s_import_image "$K8S_CACHE/pause.tar" >/dev/null
image_ref="$(k8s_import_image "$image_tar" | head -1)"
[[ -n "$image_ref" ]] || die "no image name in $image_tar"
log "imported $image_ref"
k8s_start_control_plane "$work" "$work/pki"
k8s_start_kube_proxy "$work"
k8s_start_dns "$work" "$kubectl"
k8s_start_kubelet "$work" "$work/pki" "$node_ip"

node_ready=""
for _ in $(seq 1 120); do
  [[ "$("$kubectl" get node "$K8S_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]] &&
    { node_ready=1; break; }
  sleep 1
done
if [[ -z "$node_ready" ]]; then
  fail "node $K8S_NODE_NAME Ready: $("$kubectl" get node "$K8S_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}' 2>&1)"
  tail -20 "$work/kubelet.log" >&2
  summary real-cluster "$started"
  exit 1
fi
pass "node $K8S_NODE_NAME Ready (kubelet $("$kubectl" get node "$K8S_NODE_NAME" -o jsonpath='{.status.nodeInfo.kubeletVersion}'), $("$kubectl" get node "$K8S_NODE_NAME" -o jsonpath='{.status.nodeInfo.containerRuntimeVersion}'))"

# hostPath volumes for the claims (a hostPath volume keeps its owner: the pods' uid 1000 must own it).
for i in $(seq 0 9); do
  install -d -o 1000 -g 1000 -m 0750 "$work/pv/$i"
  cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: sluice-test-$i}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: sluice-test
  hostPath: {path: $work/pv/$i, type: Directory}
EOF
done | "$kubectl" apply -f - >/dev/null

# 3. The chart.
ns=sluice
release=sluice
k() { "$kubectl" -n "$ns" "$@"; }
"$kubectl" create namespace "$ns" >/dev/null
# real-apiserver.sh checks Helm 4's server-side apply; here the workload is under test.
if ! out="$("$helm" install "$release" "$chart" -n "$ns" -f "$values" --set image.repository="${image_ref%:*}" \
  --set image.tag="${image_ref##*:}" \
  --server-side=false --timeout 2m 2>&1)"; then
  fail "helm install: $(grep -v '^level=' <<<"$out" | tail -3 | tr '\n' ' ')"
  summary real-cluster "$started"
  exit 1
fi
pass "helm install (3 controllers + 3 brokers)"

wait_pods_ready() {
  local want="$1" timeout="$2" t0 ready
  t0="$(date +%s)"
  while (($(date +%s) - t0 < timeout)); do
    ready="$(k get pods -l "app.kubernetes.io/instance=$release" -o json |
      jq '[.items[] | select(.metadata.deletionTimestamp == null) | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length')"
    [[ "$ready" == "$want" ]] && return 0
    sleep 3
  done
  return 1
}
# Container restarts so far, with the reason of each last termination (a liveness kill, an exit code).
restarts() {
  k get pods -l "app.kubernetes.io/instance=$release" -o json | jq -r '
    [.items[] | .metadata.name as $n | .status.containerStatuses[]? | select(.restartCount > 0)
      | "\($n) \(.restartCount)x (\(.lastState.terminated.reason // "?") \(.lastState.terminated.exitCode // ""))"]
    | if length == 0 then "no container restarted" else "restarted: " + join(", ") end'
}
t0="$(date +%s)"
if wait_pods_ready 6 900; then
  pass "6 pods Ready in $(($(date +%s) - t0)) s (startup and readiness probes on /readyz; $(restarts))"
  check_eq "every claim bound" "6" "$(k get pvc -o json | jq '[.items[] | select(.status.phase == "Bound")] | length')"
else
  fail "pods not all Ready within 900 s: $(k get pods -o wide --no-headers 2>&1 | awk '{print $1, $2, $3, $4}' | tr '\n' ';')"
  for p in $(k get pods -o name); do
    echo "--- $p" >&2
    k logs "$p" --tail 15 >&2 2>&1 || true
  done
  k get events --sort-by=.lastTimestamp 2>&1 | tail -20 >&2
  summary real-cluster "$started"
  exit 1
fi

# 4. Produce and consume from this host: bootstrap through the client Service's cluster IP, then the brokers'
# advertised names, resolved from the same records the cluster DNS serves (the JDK reads them as its hosts file).
bootstrap="$(k get service "$release" -o jsonpath='{.spec.clusterIP}'):7092"
export SLUICE_JAVA_OPTS="-Djdk.net.hosts.file=$work/dns/hosts -Dsun.net.inetaddr.ttl=1"
sluice() { "$root/bin/sluice" "$@"; }
if sluice topic create checks --partitions 6 --replication-factor 3 --brokers "$bootstrap" >"$work/topic.log" 2>&1; then
  pass "topic created through the client Service $bootstrap (6 partitions, replication factor 3)"
else
  fail "topic create through $bootstrap: $(tail -3 "$work/topic.log" | tr '\n' ' ')"
fi
seq 1 1000 | sed 's/^/record-/' | sluice produce checks --acks all --brokers "$bootstrap" >/dev/null 2>"$work/produce.log" &&
  pass "produced 1000 records with acks=all" || fail "produce: $(head -3 "$work/produce.log" | tr '\n' ' ')"
consumed="$(sluice consume checks --from-beginning --max-messages 1000 --timeout-ms 30000 --brokers "$bootstrap" 2>/dev/null |
  grep '^record-' | sort -u | wc -l)"
check_eq "consumed every record" 1000 "$consumed"

# 5. Rolling restarts under acks=all load.
if [[ -n "$roll" ]]; then
  sluice topic create roll --partitions 6 --replication-factor 3 --brokers "$bootstrap" >/dev/null 2>&1 ||
    fail "topic roll could not be created"
  stop="$work/roll.stop"
  # Numbered records at about 100 a second until the stop file appears; the producer reports each failed send.
  (
    i=0
    while [[ ! -e "$stop" ]]; do
      for _ in $(seq 1 20); do i=$((i + 1)); echo "roll-$i"; done
      sleep 0.2
    done
    echo "$i" >"$work/roll.sent"
  ) | sluice produce roll --acks all --brokers "$bootstrap" >/dev/null 2>"$work/roll-produce.log" &
  producer=$!
  # Partition health while the pods restart, sampled every few seconds: partitions without a leader (offline) and
  # with fewer in-sync replicas than replicas (under-replicated).
  (
    while [[ ! -e "$stop" ]]; do
      if described="$(sluice topic describe roll --brokers "$bootstrap" 2>/dev/null)"; then
        awk -v t="$(date +%s)" '$1 ~ /^[0-9]+$/ { n++; if ($2 == "none") off++; if (split($5, a, ",") < split($4, b, ",")) urp++ }
          END { printf "%s %d %d %d\n", t, n, off, urp }' <<<"$described"
      else
        echo "$(date +%s) error"
      fi
      sleep 2
    done
  ) >"$work/roll-health.log" &
  health=$!
  sleep 5
  for pool in broker controller; do
    t0="$(date +%s)"
    k rollout restart "statefulset/$release-$pool" >/dev/null
    if k rollout status "statefulset/$release-$pool" --timeout 900s >"$work/rollout-$pool.log" 2>&1 && wait_pods_ready 6 300; then
      pass "rolling restart of the $pool pool done in $(($(date +%s) - t0)) s ($(restarts))"
    else
      fail "rolling restart of the $pool pool did not finish: $(tail -2 "$work/rollout-$pool.log" | tr '\n' ' ')"
    fi
  done
  sleep 5
  touch "$stop"
  producer_code=0
  wait "$producer" || producer_code=$?
  wait "$health" || true
  sent="$(cat "$work/roll.sent")"
  read -r samples offline_samples urp_samples max_urp errors < <(awk '
    $2 == "error" { e++; next } { n++; if ($3 > 0) off++; if ($4 > 0) u++; if ($4 > m) m = $4 }
    END { printf "%d %d %d %d %d\n", n, off, u, m, e }' "$work/roll-health.log")
  if ((samples == 0)); then
    fail "roll: no partition health sample succeeded ($errors failed)"
  elif ((offline_samples == 0)); then
    pass "roll: no partition without a leader in $samples samples during the restarts (under-replicated in $urp_samples, at most $max_urp of 6; $errors samples failed)"
  else
    fail "roll: partitions without a leader in $offline_samples of $samples samples"
  fi
  final="$(sluice topic describe roll --brokers "$bootstrap" 2>&1 | awk '$1 ~ /^[0-9]+$/ { n++; if (split($5, a, ",") == 3 && $2 != "none") ok++ } END { printf "%d of %d", ok, n }')"
  check_eq "roll: afterwards every partition led, 3 replicas in sync" "6 of 6" "$final"
  failed_lines="$(sed -n 's/^error: line \([0-9]*\):.*/\1/p' "$work/roll-produce.log" | sort -n | tr '\n' ' ')"
  failed_count="$(grep -c '^error: line ' "$work/roll-produce.log" || true)"
  if grep -q '^error: [0-9]* of [0-9]* records failed' "$work/roll-produce.log"; then
    fail "roll: more sends failed than the producer lists ($(grep -m1 'records failed' "$work/roll-produce.log")); acknowledged records cannot be told apart"
  else
    consumed_file="$work/roll.consumed"
    sluice consume roll --from-beginning --max-messages "$((sent - failed_count))" --timeout-ms 30000 \
      --brokers "$bootstrap" 2>/dev/null | grep '^roll-' | sort -u >"$consumed_file" || true
    # Acknowledged: every record sent but the ones the producer reported as failed.
    seq 1 "$sent" | grep -vxF -f <(tr ' ' '\n' <<<"$failed_lines" | grep .; echo 0) | sed 's/^/roll-/' | sort >"$work/roll.acked"
    lost="$(comm -23 "$work/roll.acked" "$consumed_file" | wc -l)"
    if ((lost == 0)); then
      pass "roll: all $((sent - failed_count)) acknowledged records consumed (sent $sent, $failed_count sends failed${failed_lines:+: lines $failed_lines}, producer exit $producer_code)"
    else
      fail "roll: $lost of $((sent - failed_count)) acknowledged records missing after the restarts"
    fi
  fi
fi

summary real-cluster "$started"
