#!/usr/bin/env bash
# Starts the action server and the Rasa server on 127.0.0.1, then the Telegram bot: against the
# real Bot API when TELEGRAM_BOT_TOKEN is set, otherwise against the local playground (a Bot API
# stand-in with a web chat page on http://127.0.0.1:8080). They run under supervisord
# (deploy/local/), which restarts any of them that dies. Ctrl-C, SIGTERM or `make stop` stops
# everything gracefully. The agents' web desk runs beside them on http://127.0.0.1:8090.
# Overrides: VAR_DIR (var), ENDPOINTS (endpoints.yml), RASA_PORT, ACTION_SERVER_PORT,
# PLAYGROUND_PORT, DESK_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MODEL:?MODEL must name the trained model}"
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_SERVER_PORT:-5055}"
PLAYGROUND_PORT="${PLAYGROUND_PORT:-8080}"
DESK_PORT="${DESK_PORT:-8090}"
VAR_DIR="${VAR_DIR:-var}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}" PLAYGROUND_PORT RASA_PORT \
  ACTION_SERVER_PORT="$ACTION_PORT" VAR_DIR
# var/ holds the bank's key, the databases and Rasa's conversations: owner-only, files too.
umask 077
mkdir -p "$VAR_DIR/log"
chmod 700 "$VAR_DIR"
export SANIC_HOST=127.0.0.1 ACTION_SERVER_SANIC_WORKERS=1

CONF="$(.venv/bin/python -m bot.supervision prepare)"
ctl() { .venv/bin/supervisorctl -c "$CONF" "$@"; }

supervisor=""
stop() {
  trap - EXIT INT TERM
  if [ -n "$supervisor" ]; then
    kill -TERM "$supervisor" 2>/dev/null || true  # supervisord stops every program, bot first
    wait "$supervisor" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

.venv/bin/supervisord -c "$CONF" &
supervisor=$!

failed() {  # name, program
  if ! kill -0 "$supervisor" 2>/dev/null; then
    echo "supervisord stopped; see $VAR_DIR/log/supervisord.log" >&2; exit 1
  fi
  if ctl status "$2" 2>/dev/null | grep -q FATAL; then
    tail -5 "$VAR_DIR/log/$2.log" >&2 || true
    echo "$1 stopped; see $VAR_DIR/log/$2.log" >&2; exit 1
  fi
}
wait_for() {  # url, name, program
  for _ in $(seq 1 180); do
    if curl -fs "$1" >/dev/null 2>&1; then return 0; fi
    failed "$2" "$3"
    sleep 1
  done
  echo "$2 did not start within 3 minutes; see $VAR_DIR/log/" >&2; exit 1
}
wait_for "http://127.0.0.1:$ACTION_PORT/health" "The action server" actions
wait_for "http://127.0.0.1:$RASA_PORT/" "The Rasa server" rasa
if [ -z "${TELEGRAM_BOT_TOKEN:-}" ]; then
  wait_for "http://127.0.0.1:$PLAYGROUND_PORT/" "The playground" playground
fi
wait_for "http://127.0.0.1:$DESK_PORT/entrar" "The agents' desk" desk
for _ in $(seq 1 60); do  # RUNNING: up for the program's startsecs
  if ctl status bot 2>/dev/null | grep -q RUNNING; then break; fi
  failed "The bot" bot
  sleep 1
done
if ! ctl status bot 2>/dev/null | grep -q RUNNING; then
  tail -5 "$VAR_DIR/log/bot.log" >&2 || true
  echo "The bot did not start; see $VAR_DIR/log/bot.log" >&2; exit 1
fi

if [ -z "${TELEGRAM_BOT_TOKEN:-}" ]; then
  where="Open the playground:  http://127.0.0.1:$PLAYGROUND_PORT  (a Telegram-like chat; no token needed)"
else
  where="Talk to your bot on Telegram (BOT_MODE=${BOT_MODE:-polling})."
fi
cat <<MSG
The assistant is running on 127.0.0.1 (Rasa :$RASA_PORT, actions :$ACTION_PORT); logs in $VAR_DIR/log/.
$where
Agents' desk:    http://127.0.0.1:$DESK_PORT  (README, "Agent desk": paula / rosa)
Terminal chat:   make chat          (another way in; secrets are read without echo)
See the SMS:     make outbox        (also in the playground's "teléfono simulado")
Demo identities: README.md, "Demo identities".  Ctrl-C stops everything.
MSG

status=0
wait "$supervisor" || status=$?
supervisor=""
exit "$status"
