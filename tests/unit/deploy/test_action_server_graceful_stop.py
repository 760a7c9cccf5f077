"""The single-process action server `make run` supervises: SIGTERM lets a running action finish,
SIGKILL leaves no process behind holding the port (so supervisord's restart can bind it)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.servers import PYTHON, REPO, free_port

SLOW_ACTIONS = """
import asyncio
from rasa_sdk import Action


class ActionSlow(Action):
    def name(self):
        return "action_slow"

    async def run(self, dispatcher, tracker, domain):
        marker = __import__("pathlib").Path(__import__("os").environ["SLOW_MARKER"])
        marker.write_text("started")
        await asyncio.sleep(3)
        dispatcher.utter_message(text="finished")
        return []
"""
TRACKER = {
    "sender_id": "graceful",
    "slots": {},
    "latest_message": {},
    "events": [],
    "paused": False,
    "followup_action": None,
    "active_loop": {},
    "latest_action_name": None,
}


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    (tmp_path / "slow_actions.py").write_text(SLOW_ACTIONS)
    port = free_port()
    marker = tmp_path / "started"
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}:{REPO}",
        "SANIC_HOST": "127.0.0.1",
        "SANIC_GRACEFUL_SHUTDOWN_TIMEOUT": "20",
        "SLOW_MARKER": str(marker),
    }
    log = (tmp_path / "actions.log").open("wb")
    command = [str(PYTHON), "-m", "bot.supervision.action_server", "--actions", "slow_actions"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "actions.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield process, port, marker
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        log.close()


def test_sigterm_lets_the_running_action_finish(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    process, port, marker = server
    answers: list[httpx.Response] = []

    def call() -> None:
        body = {"next_action": "action_slow", "tracker": TRACKER, "domain": {}}
        answers.append(httpx.post(f"http://127.0.0.1:{port}/webhook", json=body, timeout=30))

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the action never started"
    process.send_signal(signal.SIGTERM)
    caller.join(timeout=30)
    assert answers and answers[0].status_code == 200
    assert answers[0].json()["responses"][0]["text"] == "finished"
    assert process.wait(timeout=30) == 0


def test_one_process_so_a_kill_leaves_nothing_holding_the_port(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    process, port, _ = server
    assert children_of(process.pid) == [], "Sanic's worker manager would orphan its worker"
    process.kill()
    process.wait(timeout=10)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
