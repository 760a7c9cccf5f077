#!/usr/bin/env bash
# Starts the action server and the Rasa server on 127.0.0.1, waits until both answer, then opens
# the terminal chat (or just keeps serving when there is no terminal). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MODEL:?MODEL must name the trained model}"
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_SERVER_PORT:-5055}"
mkdir -p var/log
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

cat <<MSG
The assistant is running on 127.0.0.1 (Rasa :$RASA_PORT, actions :$ACTION_PORT); logs in var/log/.
Talk to it:      make chat          (secrets are read without echo)
See the SMS:     make outbox        (the simulated phone and mailbox)
Demo identities: README.md, "Demo identities".  Ctrl-C stops everything.
MSG

if [ -t 0 ] && [ -t 1 ]; then
  .venv/bin/python -m bot.terminal --rasa-url "http://127.0.0.1:$RASA_PORT" || true
else
  wait -n "${pids[@]}"
fi
