#!/usr/bin/env bash
# Checks the alert rules with Prometheus's own tool: `promtool check rules` (syntax, PromQL, templates) and
# `promtool test rules` (tests/*.yml: each alert fires on a breach longer than its `for` window and stays quiet on
# look-alikes). Installs Debian's prometheus package (which ships promtool) when promtool is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: promtool is missing; run as root to install Debian's prometheus package, or install it" >&2
    exit 2
  fi
  echo "test.sh: installing Debian's prometheus package for promtool" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # The package starts a Prometheus service where systemd runs; this script needs only the binary.
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi

cd "$here"
promtool check rules sluice-rules.yml
promtool test rules tests/*.yml
