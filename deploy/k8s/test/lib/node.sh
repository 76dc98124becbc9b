# deploy/k8s/test/lib/node.sh: sourced after lib/tools.sh and lib/apiserver.sh by real-cluster.sh.
#
# The rest of a one-node cluster around the API server: Debian's containerd and runc as the container runtime (a
# private instance: its own root, state and socket under the work directory, so it leaves the host's containerd and
# images alone), Debian's CNI plugins (bridge + host-local + loopback) on a bridge of its own, the kubelet,
# scheduler, controller manager and kube-proxy built by tools.sh, and a cluster DNS.
#
# Cluster DNS: CoreDNS is not packaged by Debian, so Debian's dnsmasq answers instead, from a hosts file that a
# loop rewrites from the API every two seconds the way CoreDNS's kubernetes plugin derives its records:
# <service>.<ns>.svc.<domain> is a Service's cluster IP, or for a headless Service the addresses of its Endpoints,
# and <hostname>.<service>.<ns>.svc.<domain> is each endpoint that has a hostname (StatefulSet pods). Endpoints are
# what the endpoints controller publishes (with publishNotReadyAddresses, pods that are not ready yet too), so a
# name resolves exactly when CoreDNS would resolve it.

K8S_BRIDGE="${K8S_BRIDGE:-sluice0}"
K8S_POD_CIDR="${K8S_POD_CIDR:-10.244.0.0/24}"
K8S_POD_GATEWAY="${K8S_POD_GATEWAY:-10.244.0.1}"
K8S_SERVICE_CIDR=10.96.0.0/24
K8S_DOMAIN=cluster.local
K8S_NODE_NAME="${K8S_NODE_NAME:-sluice-node}"

# The bridge the CNI bridge plugin attaches pods to, made before the first pod so the DNS server can listen on its
# gateway address from the start. Bridged pod traffic goes through iptables (kube-proxy's Service rules).
k8s_pod_network() {
  local work="$1"
  K8S_NETNS_BEFORE="$(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}' | tr '\n' ' ')"
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1
  [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] && sysctl -qw net.bridge.bridge-nf-call-iptables=1
  ip link show "$K8S_BRIDGE" >/dev/null 2>&1 || ip link add "$K8S_BRIDGE" type bridge
  ip addr replace "$K8S_POD_GATEWAY/${K8S_POD_CIDR#*/}" dev "$K8S_BRIDGE"
  ip link set "$K8S_BRIDGE" up
  mkdir -p "$work/cni/net.d"
  cat >"$work/cni/net.d/10-sluice.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "sluice-test",
  "plugins": [
    {"type": "bridge", "bridge": "$K8S_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$K8S_POD_CIDR", "gateway": "$K8S_POD_GATEWAY"}]],
              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$work/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

k8s_remove_pod_network() {
  ip link del "$K8S_BRIDGE" 2>/dev/null || true
}

# A containerd of its own, with the CRI plugin configured for the kubelet: cgroupfs (the kubelet's driver here),
# the locally built pause image as sandbox, CNI from Debian's /usr/lib/cni. Sets K8S_CRI_SOCKET.
k8s_start_containerd() {
  local work="$1" dir="$1/containerd"
  mkdir -p "$dir"
  K8S_CRI_SOCKET="$dir/containerd.sock"
  cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$K8S_CRI_SOCKET"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$dir/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$K8S_PAUSE_IMAGE"
    # The kubelet asks for oom_score_adj -998 for sandboxes; lowering it needs CAP_SYS_RESOURCE, which a root in a
    # container or some VMs lacks (runc then fails with "can't get final child's PID from pipe"). Clamped to
    # containerd's own score instead.
    restrict_oom_score_adj = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$work/cni/net.d"
EOF
  k8s_spawn containerd "$work/containerd.log" containerd --config "$dir/config.toml"
  for _ in $(seq 1 100); do
    ctr --address "$K8S_CRI_SOCKET" version >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  tail -20 "$work/containerd.log" >&2
  die "containerd did not start"
}

# k8s_import_image TAR: into the namespace the CRI plugin uses (k8s.io), unpacked for its snapshotter; prints the
# image names. The kubelet asks for a short name like sluice:tag as docker.io/library/sluice:tag, while ctr keeps
# the name the tar has: a short name gets that long form as a second tag.
k8s_import_image() {
  local out name first
  out="$(ctr --address "$K8S_CRI_SOCKET" -n k8s.io image import --all-platforms "$1" 2>&1)" ||
    { echo "$out" >&2; die "ctr image import $1 failed"; }
  for name in $(awk '/^unpacking/ {print $2}' <<<"$out"); do
    first="${name%%/*}"
    # No registry host in front (no dot or port in the first part, or no slash at all): Docker Hub's short form.
    if [[ "$name" != */* ]]; then
      ctr --address "$K8S_CRI_SOCKET" -n k8s.io image tag --force "$name" "docker.io/library/$name" >/dev/null
    elif [[ "$first" != *.* && "$first" != *:* && "$first" != localhost ]]; then
      ctr --address "$K8S_CRI_SOCKET" -n k8s.io image tag --force "$name" "docker.io/$name" >/dev/null
    fi
    printf '%s\n' "$name"
  done
}

# Stops every container and sandbox the runtime still has (their shims outlive containerd otherwise).
k8s_remove_containers() {
  local c="ctr --address $K8S_CRI_SOCKET -n k8s.io" id
  [[ -S "${K8S_CRI_SOCKET:-}" ]] || return 0
  for id in $($c task ls -q 2>/dev/null); do $c task kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  sleep 1
  for id in $($c task ls -q 2>/dev/null); do $c task delete -f "$id" >/dev/null 2>&1 || true; done
  for id in $($c container ls -q 2>/dev/null); do $c container delete "$id" >/dev/null 2>&1 || true; done
}

# Unmounts whatever the kubelet and containerd left mounted under the work directory (deepest first).
k8s_unmount_under() {
  local dir="$1" m
  for m in $(awk -v d="$dir" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

# k8s_start_kubelet WORK PKI NODE_IP
k8s_start_kubelet() {
  local work="$1" pki="$2" node_ip="$3" port healthz
  free_port port
  free_port healthz
  k8s_client_cert "$pki" kubelet "system:node:$K8S_NODE_NAME" system:nodes
  k8s_kubeconfig "$work/kubelet.kubeconfig" "$K8S_API_URL" "$pki" kubelet
  mkdir -p "$work/kubelet"
  cat >"$work/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: $port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $healthz
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failSwapOn: false
clusterDomain: $K8S_DOMAIN
clusterDNS: [$K8S_POD_GATEWAY]
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 100
serializeImagePulls: false
EOF
  k8s_spawn kubelet "$work/kubelet.log" "$K8S_CACHE/bin/kubelet" --config="$work/kubelet-config.yaml" \
    --kubeconfig="$work/kubelet.kubeconfig" --root-dir="$work/kubelet" --cert-dir="$work/kubelet/pki" \
    --container-runtime=remote --container-runtime-endpoint="unix://$K8S_CRI_SOCKET" \
    --hostname-override="$K8S_NODE_NAME" --node-ip="$node_ip" --v=1
}

# The scheduler and the controller manager (StatefulSets, endpoints, PV binding, service account tokens, garbage
# collection), both with admin credentials: this is a test cluster, RBAC between its own parts is not under test.
k8s_start_control_plane() {
  local work="$1" pki="$2" port
  k8s_kubeconfig "$work/admin.kubeconfig" "$K8S_API_URL" "$pki" admin
  free_port port
  k8s_spawn kube-scheduler "$work/kube-scheduler.log" "$K8S_CACHE/bin/kube-scheduler" \
    --kubeconfig="$work/admin.kubeconfig" --leader-elect=false --port=0 --bind-address=127.0.0.1 --secure-port="$port"
  free_port port
  k8s_spawn kube-controller-manager "$work/kube-controller-manager.log" "$K8S_CACHE/bin/kube-controller-manager" \
    --kubeconfig="$work/admin.kubeconfig" --leader-elect=false --port=0 --bind-address=127.0.0.1 --secure-port="$port" \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --service-cluster-ip-range="$K8S_SERVICE_CIDR" --use-service-account-credentials=false
}

# kube-proxy in iptables mode, so the client Service's cluster IP reaches the pods.
k8s_start_kube_proxy() {
  local work="$1" healthz metrics
  free_port healthz
  free_port metrics
  ensure_debs iptables conntrack
  k8s_spawn kube-proxy "$work/kube-proxy.log" "$K8S_CACHE/bin/kube-proxy" --kubeconfig="$work/admin.kubeconfig" \
    --hostname-override="$K8S_NODE_NAME" --proxy-mode=iptables --cluster-cidr="$K8S_POD_CIDR" \
    --conntrack-max-per-core=0 --healthz-bind-address="127.0.0.1:$healthz" --metrics-bind-address="127.0.0.1:$metrics"
}

# Removes the iptables rules and chains kube-proxy and the kubelet made (both leave them when stopped): kube-proxy's
# own cleanup, then every KUBE-* chain and the jumps to them from the built-in chains.
k8s_cleanup_iptables() {
  local table rule chain
  [[ -x "$K8S_CACHE/bin/kube-proxy" ]] && "$K8S_CACHE/bin/kube-proxy" --cleanup >/dev/null 2>&1
  for table in filter nat mangle; do
    iptables -t "$table" -S 2>/dev/null | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j KUBE-' |
      sed 's/^-A/-D/' | while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null; done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do
      iptables -t "$table" -F "$chain" 2>/dev/null
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do
      iptables -t "$table" -X "$chain" 2>/dev/null
    done
  done
  return 0
}

# Network namespaces the runtime made for pods and left behind (a sandbox killed rather than stopped through the
# CRI): those named cni-* that were not there before this run (K8S_NETNS_BEFORE).
k8s_remove_leftover_netns() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do
    [[ " ${K8S_NETNS_BEFORE:-} " == *" $ns "* ]] || ip netns delete "$ns" 2>/dev/null
  done
  return 0
}

# The cluster DNS (see the top of this file): dnsmasq on the pod gateway, and the loop that feeds it.
k8s_start_dns() {
  local work="$1" kubectl="$2"
  ensure_debs dnsmasq-base
  mkdir -p "$work/dns"
  : >"$work/dns/hosts"
  k8s_spawn dnsmasq "$work/dnsmasq.log" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll \
    --addn-hosts="$work/dns/hosts" --listen-address="$K8S_POD_GATEWAY" --bind-interfaces --port=53 \
    --local="/$K8S_DOMAIN/" --local-ttl=1 --neg-ttl=1 --pid-file= --user=root --log-facility=- \
    --server="$(awk '/^nameserver/ {print $2; exit}' /etc/resolv.conf)"
  local dnsmasq_pid="${K8S_PIDS[-1]}"
  k8s_spawn dns-feeder "$work/dns-feeder.log" k8s_dns_feed_loop "$work/dns/hosts" "$dnsmasq_pid" "$kubectl"
}

k8s_dns_records() {
  local kubectl="$1"
  "$kubectl" get services,endpoints -A -o json | jq -r --arg d "$K8S_DOMAIN" '
    [.items[] | select(.kind == "Service")] as $services
    | ($services | map(select(.spec.clusterIP == "None") | "\(.metadata.namespace)/\(.metadata.name)")) as $headless
    | ($services[] | select(.spec.clusterIP != "None" and (.spec.clusterIP // "") != "")
        | "\(.spec.clusterIP) \(.metadata.name).\(.metadata.namespace).svc.\($d)"),
      (.items[] | select(.kind == "Endpoints") | .metadata as $m
        | select("\($m.namespace)/\($m.name)" as $key | $headless | any(.[]; . == $key))
        | (.subsets // [])[] | (.addresses // [])[]
        | "\(.ip) \($m.name).\($m.namespace).svc.\($d)",
          (select(.hostname) | "\(.ip) \(.hostname).\($m.name).\($m.namespace).svc.\($d)"))' | sort -u
}

k8s_dns_feed_loop() {
  local hosts="$1" dnsmasq_pid="$2" kubectl="$3" records
  while kill -0 "$dnsmasq_pid" 2>/dev/null; do
    if records="$(k8s_dns_records "$kubectl" 2>/dev/null)" && [[ "$records" != "$(cat "$hosts")" ]]; then
      printf '%s\n' "$records" >"$hosts.tmp" && mv "$hosts.tmp" "$hosts"
      kill -HUP "$dnsmasq_pid"
      echo "$(date +%H:%M:%S) $(grep -c . "$hosts") records"
    fi
    sleep 2
  done
}
