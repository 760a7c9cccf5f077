#!/usr/bin/env bash
# Installs Debian's HAProxy, the load balancer of `make run-scaled` (deploy/scaled/haproxy.cfg),
# only when it is missing. Idempotent and quiet; needs root (or sudo). The package's own service
# is not used: supervisord runs HAProxy in the foreground with the project's configuration.
set -euo pipefail

if command -v haproxy >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
install() {
  $SUDO apt-get install -y -qq --no-install-recommends haproxy >/dev/null
}

# A fresh machine may have no package lists yet: update once, then try again.
if ! install 2>/dev/null; then
  $SUDO apt-get update -qq >/dev/null
  install
fi
command -v haproxy >/dev/null 2>&1 || { echo "haproxy was installed but is not on PATH" >&2; exit 1; }
