#!/usr/bin/env bash
# Builds librdkafka and its own test programs (tests/0xxx-*.c, test-runner) from the source that the npm package
# @confluentinc/kafka-javascript ships under deps/librdkafka. Idempotent: a finished build is reused.
#
#   kafka-protocol/librdkafka/build.sh     # -> kafka-protocol/target/librdkafka/kafka-javascript-*/deps/librdkafka/tests/test-runner
#
# The build lives under kafka-protocol/target (bin/sluice ignores target directories when it decides whether to
# rebuild, and librdkafka's tree holds .java files), so `mvn clean` removes it.
#
# Needs a C/C++ toolchain, the codec headers and RapidJSON (the statistics tests check their JSON with it); installs
# the missing Debian packages with apt-get. Takes about 4 minutes on 2 cores the first time (measured: 3 min 30 s).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${KAFKA_JAVASCRIPT_VERSION:-1.10.1}"
work="$here/../target/librdkafka"
src="$work/kafka-javascript-$version/deps/librdkafka"

packages=(build-essential libssl-dev zlib1g-dev libzstd-dev liblz4-dev rapidjson-dev curl python3)
need=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]} (apt-get)"
  if [ "$(id -u)" -ne 0 ]; then echo "build.sh: root is needed to install ${need[*]}" >&2; exit 2; fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

# The stamp names what a build was made with; a build with other inputs (version, packages) is redone.
stamp="kafka-javascript $version; packages ${packages[*]}"
if [ -x "$src/tests/test-runner" ] && [ "$(cat "$work/build.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "librdkafka test-runner already built: $src/tests/test-runner"
  exit 0
fi

mkdir -p "$work"
tarball="$work/kafka-javascript-$version.tgz"
if [ ! -s "$tarball" ]; then
  echo "downloading @confluentinc/kafka-javascript $version from the npm registry"
  curl -sSfL -o "$tarball.part" \
    "https://registry.npmjs.org/@confluentinc/kafka-javascript/-/kafka-javascript-$version.tgz"
  mv "$tarball.part" "$tarball"
fi
rm -rf "$work/kafka-javascript-$version"
mkdir -p "$work/kafka-javascript-$version"
tar xzf "$tarball" -C "$work/kafka-javascript-$version" --strip-components=1

cd "$src"
echo "configuring librdkafka $(grep -m1 -o 'RD_KAFKA_VERSION  *0x[0-9a-f]*' src/rdkafka.h)"
# No SASL/GSSAPI or HTTP client: Sluice's Kafka listener has no SASL, and OIDC is not used by these tests.
./configure --no-download --disable-gssapi --disable-curl --enable-ssl --enable-zstd --enable-zlib \
  --enable-lz4-ext >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log"; exit 1; }
jobs="$(nproc)"
echo "building librdkafka (make -j$jobs libs; log: $work/build.log)"
make -j"$jobs" libs >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
echo "building the test programs (tests/test-runner)"
make -j"$jobs" -C tests test-runner >>"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
echo "$stamp" >"$work/build.stamp"
echo "built: $src/tests/test-runner"
