#!/usr/bin/env bash
# Builds LazyFS for the chaos power-loss nemeses (power-loss, power-loss-all) and prints the binary's path last.
#
# LazyFS (MIT licence, INESC TEC, github.com/dsrhaslab/lazyfs, commit a47a5baea559020f29902662de77764b0cbd62ce) is a
# FUSE file system with its own page cache: data written to it stays in that cache until the program fsyncs it, and
# "lazyfs::clear-cache" written to its control FIFO drops exactly the unsynced data, as a power cut would.
#
#   build-lazyfs.sh            exit 0: the last line is the binary's path (built now, or found from an earlier build)
#                              exit 3: the last line is "unavailable: <reason>" (the nemeses then skip themselves)
#
# Where the source comes from: no registry this project may use carries LazyFS (Debian has no lazyfs package,
# npm and Maven Central have none), so the script takes a snapshot of the commit above:
#   $LAZYFS_SRC                                    a .tar.gz of the source tree, or an unpacked source directory
#   <repository>/../shared/tools/lazyfs/lazyfs-src.tar.gz   where the team's machines keep that snapshot
# Without either it reports "unavailable". The build needs root on first use (apt-get install of fuse3,
# libfuse3-dev, libspdlog-dev, libtoml11-dev, cmake, g++, make from Debian) and takes a few minutes on 2 cores.
# Build directory: $SLUICE_LAZYFS_BUILD, default ${XDG_CACHE_HOME:-$HOME/.cache}/sluice-lazyfs/<commit>.
set -euo pipefail
commit="a47a5baea559020f29902662de77764b0cbd62ce"
tarball_sha256="e556f6bb168f6c56e435f6301acc7857bfa4a840e3695f068f0d99c8372314e2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${SLUICE_LAZYFS_BUILD:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice-lazyfs/$commit}"
bin="$build/lazyfs/build/lazyfs"
log="$build.log"

unavailable() {
  echo "unavailable: $*"
  exit 3
}

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

source="${LAZYFS_SRC:-}"
if [ -z "$source" ] && [ -f "$root/../shared/tools/lazyfs/lazyfs-src.tar.gz" ]; then
  source="$root/../shared/tools/lazyfs/lazyfs-src.tar.gz"
fi
if [ -z "$source" ] || [ ! -e "$source" ]; then
  unavailable "LazyFS source not found (set LAZYFS_SRC to a .tar.gz or a checkout of dsrhaslab/lazyfs at $commit;" \
    "Debian, npm and Maven Central do not package LazyFS)"
fi

mkdir -p "$(dirname "$build")"
need=()
for package in fuse3 libfuse3-dev libspdlog-dev libtoml11-dev cmake g++ make; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || unavailable "not root: cannot apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "${need[@]}" >>"$log" 2>&1; then
    apt-get update -q >>"$log" 2>&1 || true
    apt-get install -y -q "${need[@]}" >>"$log" 2>&1 || unavailable "apt-get install ${need[*]} failed (see $log)"
  fi
fi

mkdir -p "$build"
if [ -d "$source" ]; then
  cp -r "$source/." "$build/"
else
  if [ "$(sha256sum "$source" | cut -d' ' -f1)" != "$tarball_sha256" ]; then
    echo "build-lazyfs: note: $source is not the known snapshot of $commit (sha256 differs); building it anyway" >&2
  fi
  tar -xzf "$source" -C "$build"
fi
cd "$build"
[ -f libs/libpcache/CMakeLists.txt ] && [ -f lazyfs/CMakeLists.txt ] \
  || unavailable "$source does not hold the LazyFS source tree (libs/libpcache, lazyfs)"

# Upstream's CMake fetches spdlog and toml11 from GitHub at configure time, which no machine here can reach: use
# Debian's packages instead (the same edit as the team's tools/lazyfs/build.sh).
python3 - <<'PY'
path = 'libs/libpcache/CMakeLists.txt'
text = open(path).read()
if 'include(FetchContent)' in text.split('add_library')[0]:
    start = text.index('include(FetchContent)')
    marker = 'set_target_properties(spdlog PROPERTIES POSITION_INDEPENDENT_CODE ON)'
    end = text.index(marker) + len(marker)
    text = text[:start] + 'find_package(toml11 REQUIRED)\nfind_package(spdlog REQUIRED)\n' + text[end:]
    text = text.replace('target_link_libraries(pcache toml11::toml11 spdlog)',
                        'target_link_libraries(pcache toml11::toml11 spdlog::spdlog)')
    open(path, 'w').write(text)
path = 'lazyfs/CMakeLists.txt'
text = open(path).read()
if 'find_package(spdlog' not in text:
    text = text.replace('find_package(Threads REQUIRED)',
                        'find_package(Threads REQUIRED)\nfind_package(spdlog REQUIRED)\nfind_package(toml11 REQUIRED)')
    text = text.replace('target_link_libraries(${CMAKE_PROJECT_NAME} fuse3 Threads::Threads libpcache.so)',
                        'target_link_libraries(${CMAKE_PROJECT_NAME} fuse3 Threads::Threads libpcache.so '
                        'spdlog::spdlog toml11::toml11)')
    open(path, 'w').write(text)
PY
echo "build-lazyfs: building LazyFS in $build (log: $log)" >&2
for dir in libs/libpcache lazyfs; do
  mkdir -p "$dir/build"
  (cd "$dir/build" && cmake -DCMAKE_BUILD_TYPE=Release -DLAZYFS_BUILD_TESTS=OFF .. >>"$log" 2>&1 \
    && cmake --build . -j2 >>"$log" 2>&1) || unavailable "building $dir failed (see $log)"
done
[ -x "$bin" ] || unavailable "the build produced no $bin (see $log)"
echo "$bin"
