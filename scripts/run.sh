#!/usr/bin/env bash
# Starts the action server and the Rasa server on 127.0.0.1, then the Telegram bot: against the
# real Bot API when TELEGRAM_BOT_TOKEN is set, otherwise against the local playground (a Bot API
# stand-in with a web chat page on http://127.0.0.1:8080). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MODEL:?MODEL must name the trained model}"
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_SERVER_PORT:-5055}"
PLAYGROUND_PORT="${PLAYGROUND_PORT:-8080}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}" PLAYGROUND_PORT
# var/ holds the bank's key, the databases and Rasa's conversations: owner-only, files too.
umask 077
mkdir -p var/log
chmod 700 var
export SANIC_HOST=127.0.0.1 ACTION_SERVER_SANIC_WORKERS=1

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

.venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" >var/log/actions.log 2>&1 &
pids+=($!)
.venv-rasa/bin/rasa run --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml \
  --interface 127.0.0.1 --port "$RASA_PORT" >var/log/rasa.log 2>&1 &
pids+=($!)

wait_for() {  # url, name, pid
  for _ in $(seq 1 180); do
    if curl -fs "$1" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "$2 stopped; see var/log/" >&2; exit 1; fi
    sleep 1
  done
  echo "$2 did not start within 3 minutes; see var/log/" >&2; exit 1
}
wait_for "http://127.0.0.1:$ACTION_PORT/health" "The action server" "${pids[0]}"
wait_for "http://127.0.0.1:$RASA_PORT/" "The Rasa server" "${pids[1]}"

if [ -z "${TELEGRAM_BOT_TOKEN:-}" ]; then
  .venv/bin/python -m bot.playground --port "$PLAYGROUND_PORT" >var/log/playground.log 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$PLAYGROUND_PORT/" "The playground" "${pids[2]}"
fi
.venv/bin/python -m bot >var/log/bot.log 2>&1 &
pids+=($!)
sleep 2
kill -0 "${pids[-1]}" 2>/dev/null || { tail -5 var/log/bot.log >&2; echo "The bot stopped; see var/log/bot.log" >&2; exit 1; }

if [ -z "${TELEGRAM_BOT_TOKEN:-}" ]; then
  where="Open the playground:  http://127.0.0.1:$PLAYGROUND_PORT  (a Telegram-like chat; no token needed)"
else
  where="Talk to your bot on Telegram (BOT_MODE=${BOT_MODE:-polling})."
fi
cat <<MSG
The assistant is running on 127.0.0.1 (Rasa :$RASA_PORT, actions :$ACTION_PORT); logs in var/log/.
$where
Terminal chat:   make chat          (another way in; secrets are read without echo)
See the SMS:     make outbox        (also in the playground's "teléfono simulado")
Demo identities: README.md, "Demo identities".  Ctrl-C stops everything.
MSG

wait -n "${pids[@]}"
