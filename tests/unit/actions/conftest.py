"""What every action test stands on: the real domain and a real bank on a SQLite file, seeded
with the demo customers, wired as the action server wires it (`current_bank`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bank.bootstrap import Bank
from formats.domain_files import load_domain
from tests.support.banks import action_server_bank


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return load_domain()


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bank]:
    yield from action_server_bank(tmp_path, monkeypatch)
