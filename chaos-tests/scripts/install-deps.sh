#!/usr/bin/env bash
# Installs the tools the chaos harness uses for faults (ip, iptables, tc, libfaketime). Idempotent: does nothing when
# they are present; runs apt-get update only if the install fails without it.
set -euo pipefail
if command -v ip >/dev/null && command -v iptables >/dev/null && command -v tc >/dev/null \
    && command -v faketime >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q iproute2 iptables faketime; then
  apt-get update -q
  apt-get install -y -q iproute2 iptables faketime
fi
