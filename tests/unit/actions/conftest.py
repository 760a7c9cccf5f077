"""What every action test stands on: the real domain and a real bank on a SQLite file, seeded
with the demo customers, wired as the action server wires it (`current_bank`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bank.bootstrap import Bank
from tests.support.banks import action_server_bank

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((REPO / "domain.yml").read_text())


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bank]:
    yield from action_server_bank(tmp_path, monkeypatch)
