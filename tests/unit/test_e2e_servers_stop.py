"""The e2e harness stops its processes in make run's order: the bot before the playground it
polls (otherwise the bot logs the missing Bot API as an ERROR), Rasa before the action server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.servers import Servers


class FakeProcess:
    def __init__(self, name: str, stopped: list[str]) -> None:
        self.name, self.stopped = name, stopped

    def terminate(self) -> None:
        self.stopped.append(self.name)

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_the_bot_stops_first_and_the_action_server_last(tmp_path: Path) -> None:
    stopped: list[str] = []
    servers = Servers(workdir=tmp_path, model=tmp_path / "model.tar.gz")
    processes: dict[str, Any] = {
        name: FakeProcess(name, stopped) for name in ("actions", "rasa", "playground", "bot")
    }
    servers.processes = processes
    servers.stop()
    assert stopped == ["bot", "playground", "rasa", "actions"]
    assert servers.processes == {}


def test_a_restarted_process_keeps_its_place_in_the_order(tmp_path: Path) -> None:
    stopped: list[str] = []
    servers = Servers(workdir=tmp_path, model=tmp_path / "model.tar.gz")
    processes: dict[str, Any] = {
        name: FakeProcess(name, stopped) for name in ("actions", "playground", "bot", "rasa")
    }
    servers.processes = processes
    servers.stop()
    assert stopped == ["bot", "playground", "rasa", "actions"]
