"""Fixtures for the security suite: each test performs one attack against the real bank, the
real actions or the real channel code (see docs/security.md)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
for helpers in ("unit/bank", "unit/bot"):
    path = str(_TESTS / helpers)
    if path not in sys.path:
        sys.path.insert(0, path)

import pytest  # noqa: E402
from bank_helpers import START, cheap_settings  # noqa: E402

from bank.bootstrap import Bank  # noqa: E402
from bank.clock import FixedClock  # noqa: E402
from tests.support.banks import action_server_bank, memory_bank  # noqa: E402


@pytest.fixture
def clock() -> FixedClock:
    """Time stands still at 2026-01-15 12:00 UTC until a test moves it."""
    return FixedClock(START)


@pytest.fixture
def bank(clock: FixedClock) -> Iterator[Bank]:
    """An in-memory bank with the schema and the demo data, on a clock the test controls."""
    yield from memory_bank(cheap_settings("sqlite://"), clock)


@pytest.fixture
def action_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bank]:
    """The bank the action server wires (`current_bank`), on a migrated, seeded SQLite file."""
    yield from action_server_bank(tmp_path, monkeypatch)


# The channel's fixtures (findings 4, 9, 14), shared with tests/unit/bot.
from channel_fixtures import (  # noqa: E402, F401
    conversation,
    fake_rasa,
    pending_store,
    rasa_client,
    secret_store,
)
