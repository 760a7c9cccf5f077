# Produbanco assistant. `make run` starts everything; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYENV_ROOT ?= $(shell pyenv root 2>/dev/null)
PYTHON310 ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.10.*/bin/python) $(shell command -v python3.10))
PYTHON311 ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.11.*/bin/python) $(shell command -v python3.11) $(shell command -v python3))

# Local settings (copy .env.example to .env); every value has a safe default.
ifneq (,$(wildcard .env))
include .env
export
endif

VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
export SANIC_HOST := 127.0.0.1

# The model is named after a hash of everything it is trained from: it is retrained only when
# that data changed (the components config.yml loads from rasa_extensions/ included). The
# channel's own texts (channel/texts.yml) are not a training input: Rasa never utters them.
TRAINING_FILES := config.yml $(sort $(wildcard domain/*.yml nlu/*.yml dialogues/*.yml)) \
	rasa_extensions/indexed_rule_policy.py rasa_extensions/clarify.py rasa_extensions/ambiguity.py
MODEL_HASH = $(shell cat $(TRAINING_FILES) | sha256sum | cut -c1-16)
MODEL = models/produbanco-$(MODEL_HASH).tar.gz

.PHONY: help install db train run desk stop run-scaled lb chat browser test lint typecheck unit integration security validate stories nlu-report e2e bench outbox prune-trackers clean

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/app.lock
	test -x $(PY) || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/app.lock
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed for Rasa 3.6 (pyenv install 3.10)"; exit 1; }
	test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q --upgrade pip
	$(RASA_VENV)/bin/python -m pip install -q -r requirements/rasa.lock
	touch $@

install: $(VENV)/.installed $(RASA_VENV)/.installed ## Create both virtual environments (pinned)

db: $(VENV)/.installed ## Migrate and seed the bank database (demo data)
	$(PY) -m bank migrate
	$(PY) -m bank seed

$(MODEL): $(RASA_VENV)/.installed
	@mkdir -p models var/log
	$(RASA) train --data nlu dialogues --domain domain --config config.yml \
		--out models --fixed-model-name produbanco-$(MODEL_HASH) 2>&1 | tee var/log/train.log | tail -5
	@echo "$(MODEL)" > models/CURRENT

train: $(MODEL) ## Train the Rasa model if its training data changed

run: install db train ## Start Rasa, the action server, the bot (the playground on :8080 without a token) and the agents' desk (:8090) under supervisord
	MODEL=$(MODEL) scripts/run.sh

stop: ## Stop what `make run` started, gracefully (bot first), and wait until it has
	$(VENV)/bin/supervisorctl -c "$${VAR_DIR:-var}/supervisord.conf" shutdown
	@pid="$${VAR_DIR:-var}/supervisord.pid"; \
	while [ -f "$$pid" ] && kill -0 "$$(cat "$$pid")" 2>/dev/null; do sleep 1; done

run-scaled: install train lb ## 2 bots (webhook), 2 Rasa, 2 action servers behind HAProxy, PostgreSQL + Redis, under supervisord
	MODEL=$(MODEL) scripts/run_scaled.sh

lb: ## Install Debian's HAProxy for make run-scaled (only if missing)
	scripts/install_debian_package.sh haproxy haproxy

desk: $(VENV)/.installed db ## Only the agents' web desk, on http://127.0.0.1:8090 (plain HTTP: cookies without Secure)
	DESK_INSECURE_COOKIES=1 $(PY) -m desk

chat: $(VENV)/.installed ## Talk to the running assistant in this terminal
	$(PY) -m bot.terminal

outbox: $(VENV)/.installed ## Show what the bank "sent" (SMS, e-mail)
	$(PY) -m bank outbox

prune-trackers: $(VENV)/.installed ## Remove Rasa conversations idle over TRACKER_RETENTION_DAYS (30)
	$(PY) -m bot.tracker_retention

lint: $(VENV)/.installed ## ruff lint and format check, the import contracts (pyproject.toml), generated forms current
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/form_rules.py --check

typecheck: $(VENV)/.installed ## mypy on bank/, actions/, bot/, desk/
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --explicit-package-bases deploy/scaled

unit: $(VENV)/.installed browser lb ## Unit tests (bank, actions, bot): SQLite, offline (no PostgreSQL or Redis)
	scripts/pytest.sh tests/unit

integration: $(VENV)/.installed ## Integration tests on the local PostgreSQL and Redis servers
	scripts/pytest.sh tests/integration

security: $(VENV)/.installed ## The attacks of the security review (tests/security, docs/security.md)
	scripts/pytest.sh tests/security

validate: $(RASA_VENV)/.installed ## rasa data validate; every response fills without a Rasa ERROR; the compacting store keeps carried slots
	$(RASA) data validate --data nlu dialogues --domain domain --config config.yml --fail-on-warnings
	$(RASA_VENV)/bin/python scripts/check_responses.py domain --dialogues dialogues
	$(RASA_VENV)/bin/python scripts/check_compacting_store.py

stories: train ## rasa test stories with --fail-on-prediction-errors (the rule index checked against RulePolicy)
	RULE_INDEX_SELF_CHECK=1 $(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors \
		--out var/results/core

nlu-report: train ## Held-out NLU test: prints intent F1 and FAQ accuracy, fails below target; cancel vs keep going
	$(RASA) test nlu --nlu tests/nlu --model $(MODEL) --out var/results/nlu > var/log/nlu-test.log 2>&1
	$(PY) scripts/nlu_report.py var/results/nlu
	$(RASA_VENV)/bin/python scripts/check_going_on.py $(MODEL)

browser: ## Install Debian's Chromium for the browser test (only if missing)
	scripts/install_debian_package.sh /usr/bin/chromium chromium

e2e: install db train browser lb ## End-to-end tests: real Rasa, action server, bot, playground, browser
	MODEL=$(MODEL) RULE_INDEX_SELF_CHECK=1 scripts/pytest.sh tests/e2e

test: install lint typecheck unit integration security validate stories nlu-report e2e ## Everything CI runs

bench: install train lb ## Turn latency (REST, Telegram stand-in, 1 and 20 users), keyboards, training, ours vs a minimal form bot
	MODEL=$(MODEL) $(PY) bench/registration_latency.py
	MODEL=$(MODEL) $(PY) bench/telegram_latency.py
	MODEL=$(MODEL) $(PY) bench/compare.py
	MODEL=$(MODEL) $(PY) bench/scaled.py

clean: ## Remove models, results and local databases (keeps the venvs)
	rm -rf models var
