"""Fixtures for bank tests: a fixed clock and a migrated, seeded bank (in memory or on file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bank_helpers import START, cheap_settings

from bank.bootstrap import Bank, build_bank
from bank.clock import FixedClock
from bank.migrate import upgrade_database
from tests.support.banks import memory_bank, seeded


@pytest.fixture
def clock() -> FixedClock:
    """Time stands still at 2026-01-15 12:00 UTC until a test moves it."""
    return FixedClock(START)


@pytest.fixture
def bank(clock: FixedClock) -> Iterator[Bank]:
    """An in-memory bank with the schema and the demo data."""
    yield from memory_bank(cheap_settings("sqlite://"), clock)


@pytest.fixture
def file_bank(tmp_path: Path, clock: FixedClock) -> Iterator[Bank]:
    """A bank on a SQLite file, migrated with Alembic and seeded (for real concurrency)."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url)
    built = build_bank(cheap_settings(url), clock)
    yield seeded(built)
    built.dispose()
