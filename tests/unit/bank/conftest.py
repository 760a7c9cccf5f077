"""Fixtures for bank tests: a fixed clock and a migrated, seeded bank (in memory or on file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bank_helpers import START, cheap_settings

from bank.bootstrap import Bank, build_bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.migrate import upgrade_database
from bank.models import Base


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
    """An in-memory bank with the schema and the demo data."""
    built = build_bank(cheap_settings("sqlite://"), clock)
    Base.metadata.create_all(built.engine)
    yield _seeded(built)
    built.dispose()


@pytest.fixture
def file_bank(tmp_path: Path, clock: FixedClock) -> Iterator[Bank]:
    """A bank on a SQLite file, migrated with Alembic and seeded (for real concurrency)."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url)
    built = build_bank(cheap_settings(url), clock)
    yield _seeded(built)
    built.dispose()
