#!/usr/bin/env bash
# deploy/image/build-base.sh [OUT_TAR]
#
# Builds a local JRE 17 base image for offline image builds, from Debian packages only: a minimal Debian bookworm
# (debootstrap --variant=minbase) with openjdk-17-jre-headless, a user `sluice` (uid and gid 1000) and its data
# directory /var/lib/sluice, packed as an OCI image by umoci and written as a docker-archive tar by skopeo, the form
# Jib takes as `tar://` base. The default base of the image build is a public JRE 17 image; this one is for machines
# that cannot pull it. Installs debootstrap, umoci and skopeo with apt-get when missing (needs root). Output:
# OUT_TAR (default deploy/image/target/sluice-base.tar); the work directory is removed at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/deploy/image/target/sluice-base.tar}"
suite="${SLUICE_BASE_SUITE:-bookworm}"
mirror="${SLUICE_BASE_MIRROR:-http://deb.debian.org/debian}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[[ "$(id -u)" == 0 ]] || { echo "build-base.sh: needs root (debootstrap, chroot)" >&2; exit 1; }
missing=()
for tool in debootstrap umoci skopeo; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  log "installing ${missing[*]} from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-base.XXXXXX")"
rootfs="$work/rootfs"
cleanup() {
  mountpoint -q "$rootfs/proc" 2>/dev/null && umount "$rootfs/proc"
  rm -rf "$work"
}
trap cleanup EXIT

log "debootstrap $suite (minbase) into $rootfs"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
log "installing openjdk-17-jre-headless"
# The JRE's post-install script runs java, which needs /proc.
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  openjdk-17-jre-headless ca-certificates >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
chroot "$rootfs" groupadd --gid 1000 sluice
chroot "$rootfs" useradd --uid 1000 --gid 1000 --home-dir /var/lib/sluice --no-create-home --shell /usr/sbin/nologin sluice
install -d -o 1000 -g 1000 -m 0750 "$rootfs/var/lib/sluice"
# What the image does not need at run time: package lists and caches, docs.
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
java_version="$(chroot "$rootfs" java -version 2>&1 | head -1)"
umount "$rootfs/proc"
log "base has: $java_version"

log "packing with umoci"
umoci init --layout "$work/oci" >/dev/null
umoci new --image "$work/oci:base" >/dev/null
umoci unpack --rootless=false --image "$work/oci:base" "$work/bundle" >/dev/null
rm -rf "$work/bundle/rootfs"
mv "$rootfs" "$work/bundle/rootfs"
umoci repack --image "$work/oci:base" "$work/bundle" >/dev/null
umoci config --image "$work/oci:base" --config.env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin >/dev/null

mkdir -p "$(dirname "$out")"
rm -f "$out"
skopeo copy -q "oci:$work/oci:base" "docker-archive:$out:sluice-base:17"
log "wrote $out ($(du -h "$out" | cut -f1)): $java_version"
