#!/usr/bin/env bash
# Installs Debian's chromium for the playground's browser test, only when /usr/bin/chromium is
# missing. Idempotent and quiet; needs root (or sudo). Playwright drives this browser through
# executable_path, so no browser download is needed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
install() {
  $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

# A fresh machine may have no package lists yet: update once, then try again.
if ! install 2>/dev/null; then
  $SUDO apt-get update -qq >/dev/null
  install
fi
test -x "$CHROMIUM" || { echo "chromium was installed but $CHROMIUM is missing" >&2; exit 1; }
