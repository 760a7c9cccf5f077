"""Fixtures of the desk tests: a fixed clock, a migrated and seeded SQLite bank on a file, the
desk app on it (cookies without the Secure flag: the test client speaks plain HTTP), clients."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from desk_support import cheap_settings  # noqa: E402

from bank.bootstrap import Bank, build_bank  # noqa: E402
from bank.clock import FixedClock  # noqa: E402
from bank.migrate import upgrade_database  # noqa: E402
from desk.app import build_app  # noqa: E402
from desk.settings import DeskSettings  # noqa: E402
from tests.support.banks import seeded  # noqa: E402

START = datetime(2026, 1, 15, 12, 0, 0)


@pytest.fixture
def clock() -> FixedClock:
    """Time stands still until a test moves it."""
    return FixedClock(START)


@pytest.fixture
def bank(tmp_path: Path, clock: FixedClock) -> Iterator[Bank]:
    """A bank on a SQLite file, migrated with Alembic and seeded (Paula, Rosa, María José)."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url)
    built = build_bank(cheap_settings(url), clock)
    yield seeded(built)
    built.dispose()


@pytest.fixture
def app(bank: Bank) -> Starlette:
    """The desk on that bank; the live pages look for changes every 10 ms."""
    return build_app(bank, DeskSettings(insecure_cookies=True), event_seconds=0.01)


@pytest.fixture
def new_client(app: Starlette) -> Iterator[Callable[[], TestClient]]:
    """Browsers of their own (cookies apart); all closed at the end."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, base_url="http://127.0.0.1")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(new_client: Callable[[], TestClient]) -> TestClient:
    """One browser."""
    return new_client()
