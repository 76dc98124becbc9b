# deploy/k8s/test/lib/apiserver.sh: sourced after lib/tools.sh.
#
# Brings up a Kubernetes control plane's storage and API on this machine, in a work directory the caller owns:
# certificates made with openssl (a CA, the API server's serving certificate, client certificates, the service
# account signing key), Debian's etcd and the API server built by tools.sh, both on free ports. Every process it
# starts is recorded in K8S_PIDS; k8s_stop_all stops them by pid, newest first (the caller traps EXIT to it).

K8S_PIDS=()
K8S_PORTS_TAKEN=" "

# A TCP port nothing listens on, below the kernel's ephemeral range (so an outgoing connection cannot take it
# between this check and the bind), and not handed out before in this run. `free_port VAR` sets VAR (no subshell,
# so the ports handed out are remembered).
free_port() {
  local _free_port_candidate
  for _ in $(seq 1 200); do
    _free_port_candidate=$((20000 + RANDOM % 12000))
    [[ "$K8S_PORTS_TAKEN" == *" $_free_port_candidate "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$_free_port_candidate") 2>/dev/null && continue
    K8S_PORTS_TAKEN+="$_free_port_candidate "
    printf -v "$1" '%s' "$_free_port_candidate"
    return 0
  done
  die "no free port found"
}

# Runs a command in the background with its output in a log file; records its pid.
k8s_spawn() {
  local name="$1" logfile="$2"
  shift 2
  "$@" >"$logfile" 2>&1 &
  K8S_PIDS+=("$!")
  log "started $name (pid $!, log $logfile)"
}

k8s_stop_all() {
  local i pid
  for ((i = ${#K8S_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${K8S_PIDS[i]}"
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  K8S_PIDS=()
}

# k8s_pki DIR SAN...: a CA, the API server's serving certificate for the given subject alternative names
# ("IP:1.2.3.4" or "DNS:name"), and the service account key pair.
k8s_pki() {
  local dir="$1" sans
  shift
  sans="$(IFS=,; echo "$*")"
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=sluice-test-ca \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout "$dir/apiserver.key" -out "$dir/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$sans" >"$dir/apiserver.ext"
  openssl x509 -req -in "$dir/apiserver.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/apiserver.ext" -out "$dir/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
}

# k8s_client_cert DIR NAME CN [ORG]: a client certificate signed by the CA (ORG system:masters is cluster-admin).
k8s_client_cert() {
  local dir="$1" name="$2" cn="$3" org="${4:-}" subj
  subj="/CN=$cn"
  [[ -n "$org" ]] && subj="/O=$org/CN=$cn"
  openssl req -newkey rsa:2048 -nodes -subj "$subj" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
}

# k8s_kubeconfig FILE SERVER_URL PKI_DIR CERT_NAME: a kubeconfig with the certificates embedded.
k8s_kubeconfig() {
  local file="$1" server="$2" pki="$3" name="$4"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: sluice-test
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$pki/$name.crt")
    client-key-data: $(base64 -w0 "$pki/$name.key")
contexts:
- name: sluice-test
  context: {cluster: sluice-test, user: $name}
current-context: sluice-test
EOF
  chmod 0600 "$file"
}

# k8s_start_etcd WORKDIR: Debian's etcd on two free loopback ports; sets K8S_ETCD_URL.
k8s_start_etcd() {
  local work="$1" client peer
  free_port client
  free_port peer
  K8S_ETCD_URL="http://127.0.0.1:$client"
  k8s_spawn etcd "$work/etcd.log" etcd --name sluice-test --data-dir "$work/etcd" \
    --listen-client-urls "$K8S_ETCD_URL" --advertise-client-urls "$K8S_ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "sluice-test=http://127.0.0.1:$peer"
  for _ in $(seq 1 100); do
    curl -sf "$K8S_ETCD_URL/health" 2>/dev/null | grep -q '"health":"true"' && return 0
    sleep 0.2
  done
  tail -20 "$work/etcd.log" >&2
  die "etcd did not become healthy"
}

# k8s_start_apiserver WORKDIR PKI_DIR BIND_ADDRESS [EXTRA_FLAG...]: the API server on a free port of BIND_ADDRESS;
# waits for /readyz; sets K8S_API_URL.
k8s_start_apiserver() {
  local work="$1" pki="$2" bind="$3" port
  shift 3
  free_port port
  K8S_API_URL="https://$bind:$port"
  k8s_spawn kube-apiserver "$work/kube-apiserver.log" "$K8S_CACHE/bin/kube-apiserver" \
    --etcd-servers="$K8S_ETCD_URL" --bind-address="$bind" --secure-port="$port" --insecure-port=0 \
    --client-ca-file="$pki/ca.crt" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range=10.96.0.0/24 --authorization-mode=Node,RBAC --allow-privileged=true "$@"
  local api_pid="${K8S_PIDS[-1]}"
  for _ in $(seq 1 300); do
    kill -0 "$api_pid" 2>/dev/null || break
    [[ "$(curl -s --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$K8S_API_URL/readyz" 2>/dev/null)" == ok ]] &&
      return 0
    sleep 0.2
  done
  tail -30 "$work/kube-apiserver.log" >&2
  die "kube-apiserver did not become ready at $K8S_API_URL"
}
