"""Fixtures for the channel tests."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

# `pytest` (unlike `python -m pytest`) does not put the repository root on sys.path, and the
# pytest config has no `pythonpath`; make `import bot` work either way.
_REPO_ROOT = str(Path(__file__).resolve().parents[3])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

import httpx  # noqa: E402
import pytest  # noqa: E402
from bot_fakes import RASA_URL, FakeRasa, FakeSecretStore  # noqa: E402

from bot.conversation import Conversation, InMemoryPendingInputStore  # noqa: E402
from bot.rasa_client import RasaClient  # noqa: E402


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
