"""Fixtures for the security suite: each test performs one attack against the real bank, the
real actions or the real channel code (see docs/security.md)."""

from __future__ import annotations

import secrets
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

from actions.common.bank_access import current_bank  # noqa: E402
from bank.bootstrap import Bank, build_bank  # noqa: E402
from bank.clock import FixedClock  # noqa: E402
from bank.db import unit_of_work  # noqa: E402
from bank.demo import seed_demo  # noqa: E402
from bank.migrate import upgrade_database  # noqa: E402
from bank.models import Base  # noqa: E402


def _seeded(bank: Bank) -> Bank:
    with unit_of_work(bank.sessions) as session:
        seed_demo(session, hasher=bank.hasher, clock=bank.clock)
    return bank


@pytest.fixture
def clock() -> FixedClock:
    """Time stands still at 2026-01-15 12:00 UTC until a test moves it."""
    return FixedClock(START)


@pytest.fixture
def bank(clock: FixedClock) -> Iterator[Bank]:
    """An in-memory bank with the schema and the demo data, on a clock the test controls."""
    built = build_bank(cheap_settings("sqlite://"), clock)
    Base.metadata.create_all(built.engine)
    yield _seeded(built)
    built.dispose()


@pytest.fixture
def action_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bank]:
    """The bank the action server wires (`current_bank`), on a migrated, seeded SQLite file."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bank.db'}")
    monkeypatch.setenv("BANK_SECRET_KEY", secrets.token_hex(32))
    upgrade_database()
    current_bank.cache_clear()
    wired = current_bank()
    with unit_of_work(wired.sessions) as session:
        seed_demo(session, hasher=wired.hasher, clock=wired.clock)
    yield wired
    wired.dispose()
    current_bank.cache_clear()


# The channel's fixtures (findings 4, 9, 14), shared with tests/unit/bot.
from channel_fixtures import (  # noqa: E402, F401
    conversation,
    fake_rasa,
    pending_store,
    rasa_client,
    secret_store,
)
