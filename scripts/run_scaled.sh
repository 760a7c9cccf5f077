#!/usr/bin/env bash
# Starts the scaled topology on 127.0.0.1 (deploy/scaled/): HAProxy in front of 2 bot instances
# (webhook), 2 Rasa servers and 2 action servers, PostgreSQL and Redis, all under supervisord.
# Without TELEGRAM_BOT_TOKEN the playground is the Bot API (http://127.0.0.1:8080).
# Ctrl-C stops everything. Ports and databases: deploy/scaled/topology.py, docs/scaling.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# var/ holds the bank's key and the logs: owner-only.
umask 077
mkdir -p var
chmod 700 var
exec .venv/bin/python -m deploy.scaled "$@"
