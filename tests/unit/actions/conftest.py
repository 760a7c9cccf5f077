"""What every action test stands on: the real domain and a real bank on a SQLite file, seeded
with the demo customers, wired as the action server wires it (`current_bank`)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.common.bank_access import current_bank
from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.migrate import upgrade_database

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((REPO / "domain.yml").read_text())


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bank]:
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
