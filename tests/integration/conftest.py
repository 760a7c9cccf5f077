"""Fixtures for the integration tier: the bank and the bot on the real PostgreSQL server.

These tests reuse the test helpers of tests/unit/bank (bank_helpers, money_helpers, the journeys
of the SQLite tests) and tests/unit/bot (the playground and Telegram harnesses), so those
directories go on sys.path the way pytest puts a test's own directory there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

for _helpers in ("bank", "bot"):
    _directory = str(Path(__file__).resolve().parents[1] / "unit" / _helpers)
    if _directory not in sys.path:
        sys.path.insert(0, _directory)

from bank_helpers import START  # noqa: E402

from bank.clock import FixedClock  # noqa: E402


@pytest.fixture
def clock() -> FixedClock:
    """Time stands still at 2026-01-15 12:00 UTC until a test moves it (as in tests/unit/bank)."""
    return FixedClock(START)
