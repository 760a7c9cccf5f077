"""Fixtures that run the real Rasa server and action server for a whole test module."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bank.bootstrap import Bank, build_bank
from bank.settings import load_settings
from bot.conversation import Conversation, InMemoryPendingInputStore
from bot.rasa_client import RasaClient
from tests.support.journeys import Customer
from tests.support.servers import Servers, current_model


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir: Path = tmp_path_factory.mktemp("system")
    running = Servers(workdir=workdir, model=current_model())
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def bank(servers: Servers) -> Iterator[Bank]:
    wired = build_bank(load_settings(servers.env()))
    yield wired
    wired.dispose()


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
