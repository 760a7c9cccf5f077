"""The channel's test fixtures: a fake Rasa, a fake secret store, the pending-input store and
the conversation engine wired to them (shared by the bot tests and the security suite)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from bot_fakes import RASA_URL, FakeRasa, FakeSecretStore

from bot.conversation import Conversation
from bot.conversation_stores import InMemoryPendingInputStore
from bot.rasa_client import RasaClient


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def secret_store() -> FakeSecretStore:
    return FakeSecretStore()


@pytest.fixture
def pending_store() -> InMemoryPendingInputStore:
    return InMemoryPendingInputStore()


@pytest.fixture
async def rasa_client(fake_rasa: FakeRasa) -> AsyncIterator[RasaClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(fake_rasa.handler)) as http:
        yield RasaClient(http, RASA_URL)


@pytest.fixture
def conversation(
    rasa_client: RasaClient,
    secret_store: FakeSecretStore,
    pending_store: InMemoryPendingInputStore,
) -> Conversation:
    return Conversation(rasa_client, secret_store, pending_store)
