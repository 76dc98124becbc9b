#!/usr/bin/env bash
# Installs kcat (librdkafka's command-line client, Debian package kcat) for kcat-check.sh. Idempotent: does nothing
# when kcat is present; runs apt-get update only if the install fails without it. Needs root (apt-get).
set -euo pipefail
command -v kcat >/dev/null && exit 0
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q kcat; then
  apt-get update -q
  apt-get install -y -q kcat
fi
