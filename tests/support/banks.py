"""The banks tests stand on: seeded with the demo data, in memory or as the action server wires it.

Fixtures in several conftests (bank, actions, security) yield from these, so each is built once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.common.bank_access import current_bank
from bank.bootstrap import Bank, build_bank
from bank.clock import Clock
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.migrate import upgrade_database
from bank.models import Base
from bank.settings import Settings
from bot.chat_state.tables import ChatBase


def seeded(bank: Bank) -> Bank:
    """`bank` with the demo customers, children and agents added."""
    with unit_of_work(bank.sessions) as session:
        seed_demo(session, hasher=bank.hasher, clock=bank.clock)
    return bank


def memory_bank(settings: Settings, clock: Clock) -> Iterator[Bank]:
    """An in-memory bank with the schema (the chat state's tables too) and the demo data."""
    built = build_bank(settings, clock)
    Base.metadata.create_all(built.engine)
    ChatBase.metadata.create_all(built.engine)
    yield seeded(built)
    built.dispose()


def action_server_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bank]:
    """The bank the action server wires (`current_bank`), on a migrated, seeded SQLite file."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bank.db'}")
    monkeypatch.setenv("BANK_SECRET_KEY", secrets.token_hex(32))
    upgrade_database()
    current_bank.cache_clear()
    wired = seeded(current_bank())
    yield wired
    wired.dispose()
    current_bank.cache_clear()
