r"""The system every e2e module runs against, started once per module.

- `servers`: the real Rasa server and action server. A module may set `BOT_ENV` (more environment
  for every process, the bot's settings above all), `BOT_CHECKS_ACTION_SERVER = True` (the bot
  checks the action server's health before asking a lost step again, as `make run` sets it up)
  and `COMPACT_AFTER_EVENTS` (the tracker store's session length).
- `system`: the same servers plus the playground (the Bot API stand-in) and the bot.
- `bank`: the test's own access to that system's bank; `playground`: a client of its playground;
  `customer`: a person talking to Rasa through the channel-neutral conversation client.

Modules that start `make run`'s launcher or the scaled topology have their own fixtures
(tests/support/local_run.py, tests/support/scaled.py).

Every topology registers its log directory (tests/support/log_scan.py): a test fails when a Rasa,
action-server or bot log got an ERROR (or CRITICAL) entry during it, and a module when one was
written while its system stopped, unless the test (or the module, for its teardown) declares the
entry with `@pytest.mark.expected_errors(pattern, ...)`: regular expressions searched in
"<log file name>: <entry>", e.g. `r"^bot\.log: .*telegram\.error\.NetworkError"`.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bank.bootstrap import Bank, build_bank
from bank.settings import load_settings
from bot.conversation import Conversation
from bot.conversation_stores import InMemoryPendingInputStore
from bot.playground.client import PlaygroundClient
from bot.rasa_client import RasaClient
from tests.support.journeys import Customer
from tests.support.log_check import (  # noqa: F401 (fixtures and hook for every e2e test)
    no_error_in_logs,
    no_error_in_logs_while_stopping,
    pytest_configure,
)
from tests.support.servers import Servers, current_model


@pytest.fixture(scope="module")
def servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    module = request.module
    options = {}
    if hasattr(module, "COMPACT_AFTER_EVENTS"):
        options["compact_after_events"] = int(module.COMPACT_AFTER_EVENTS)
    running = Servers(
        workdir=tmp_path_factory.mktemp(module.__name__.rsplit(".", 1)[-1]),
        model=current_model(),
        bot_env=dict(getattr(module, "BOT_ENV", {})),
        **options,
    )
    if getattr(module, "BOT_CHECKS_ACTION_SERVER", False):
        running.bot_env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{running.action_port}"
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def system(servers: Servers) -> Servers:
    servers.start_playground()
    servers.start_bot()
    return servers


@pytest.fixture(scope="module")
def bank(servers: Servers) -> Iterator[Bank]:
    wired = build_bank(load_settings(servers.env()))
    yield wired
    wired.dispose()


@pytest.fixture
async def playground(system: Servers) -> AsyncIterator[PlaygroundClient]:
    async with httpx.AsyncClient() as http:
        yield PlaygroundClient(system.playground_url, http)


@pytest.fixture
async def customer(servers: Servers, bank: Bank) -> AsyncIterator[Customer]:
    async with httpx.AsyncClient() as http:
        conversation = Conversation(
            RasaClient(http, servers.rasa_url, timeout=60.0),
            bank.secret_box,
            InMemoryPendingInputStore(),
        )
        yield Customer(
            conversation=conversation,
            sender_id=f"e2e:{secrets.token_hex(4)}",
            env=servers.env(),
            step_of=lambda sender: bank.registration.current_step(sender_id=sender),
        )
