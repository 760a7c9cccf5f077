#!/usr/bin/env bash
# Usage: scripts/install_debian_package.sh PROGRAM PACKAGE
# Installs Debian's PACKAGE only when PROGRAM (a command name or an absolute path) is missing:
# chromium for the browser tests (Playwright drives it through executable_path, no browser
# download), haproxy for `make run-scaled` (supervisord runs it with deploy/scaled/haproxy.cfg;
# the package's own service is not used). Idempotent and quiet; needs root (or sudo).
set -euo pipefail
PROGRAM="${1:?program to look for}"
PACKAGE="${2:?Debian package to install}"

present() { command -v "$PROGRAM" >/dev/null 2>&1; }
if present; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
install() {
  $SUDO apt-get install -y -qq --no-install-recommends "$PACKAGE" >/dev/null
}

# A fresh machine may have no package lists yet: update once, then try again.
if ! install 2>/dev/null; then
  $SUDO apt-get update -qq >/dev/null
  install
fi
present || { echo "$PACKAGE was installed but $PROGRAM is missing" >&2; exit 1; }
