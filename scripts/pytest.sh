#!/usr/bin/env bash
# Runs pytest and refuses to pass when no test was collected (pytest's exit code 5).
set -u
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest -q "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests in: $*" >&2
  exit 1
fi
exit "$rc"
