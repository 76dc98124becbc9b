#!/usr/bin/env bash
# Makes this example runnable: Node.js 18 or newer and npm on the PATH, then `npm ci` (kafkajs at the version
# package-lock.json pins). Idempotent: a usable node and npm are kept, and node_modules that already matches the
# lock file is not reinstalled. Without them it installs Debian's nodejs and npm packages with apt-get (as root, or
# through sudo without a password).
#
# Exit codes, so callers can tell "this machine cannot run Node" from a broken install:
#   0  ready
#   3  no usable node/npm and they cannot be installed here (not Debian-like, no root, apt-get failed)
#   4  node and npm are there but `npm ci` failed (registry unreachable, bad lock file)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
min_major=18

say() { echo "install-node: $*" >&2; }

node_usable() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
  [ -n "$major" ] && [ "$major" -ge "$min_major" ]
}

as_root() {
  if [ "$(id -u)" = "0" ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 99
  fi
}

install_from_debian() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no usable node >= $min_major and npm, and no apt-get to install them; install Node.js $min_major+ yourself"
    exit 3
  fi
  say "installing Debian's nodejs and npm with apt-get (a minute or two)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  local rc=$?
  if [ $rc -eq 99 ]; then
    say "no usable node >= $min_major and npm, and not root (no passwordless sudo) to apt-get them;"
    say "run: sudo apt-get install -y nodejs npm   (or install Node.js $min_major+ another way)"
    exit 3
  fi
  if [ $rc -ne 0 ] || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2; then
    say "apt-get could not install nodejs and npm (exit $rc); see the messages above"
    exit 3
  fi
  hash -r
  if ! node_usable; then
    say "after apt-get, node $(node --version 2>/dev/null || echo missing) / npm $(npm --version 2>/dev/null || echo missing)"
    say "is still not usable (need node >= $min_major and npm)"
    exit 3
  fi
}

if node_usable; then
  say "using node $(node --version) and npm $(npm --version) from $(command -v node)"
else
  install_from_debian
  say "installed node $(node --version) and npm $(npm --version)"
fi

# npm ci writes node_modules/.package-lock.json last; when it is newer than the lock file, node_modules was
# installed from this lock file and there is nothing to do.
if [ -d "$here/node_modules/kafkajs" ] && [ "$here/node_modules/.package-lock.json" -nt "$here/package-lock.json" ]; then
  say "node_modules is up to date"
  exit 0
fi
say "npm ci in $here"
if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2); then
  say "npm ci failed; see the messages above (is registry.npmjs.org reachable?)"
  exit 4
fi
say "ready: kafkajs $(node -p 'require("'"$here"'/node_modules/kafkajs/package.json").version')"
