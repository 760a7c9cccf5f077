"""The watchdog of Rasa's Sanic workers, with a stand-in server that forks workers as Sanic does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.supervision.rasa_workers import UsageError, children, forked_workers, parse

REPO = Path(__file__).resolve().parents[3]
# A main process that forks SANIC_WORKERS workers, waits for all of them (as Sanic 21.12 does,
# never replacing one that dies), and on SIGTERM stops them and exits 0.
FAKE_SERVER = """
import os, signal, sys, time
workers = []
def stop(*_):
    for pid in workers:
        os.kill(pid, signal.SIGTERM)
    for pid in workers:
        os.waitpid(pid, 0)
    sys.exit(0)
for _ in range(int(os.environ["SANIC_WORKERS"])):
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        while True:
            time.sleep(0.1)
    workers.append(pid)
signal.signal(signal.SIGTERM, stop)
for pid in workers:
    os.waitpid(pid, 0)
"""


def wait_until(condition: object, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


@pytest.fixture
def watchdog(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "bot.supervision.rasa_workers", "2", "--"]
    log = tmp_path / "watchdog.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, sys.executable, "-c", FAKE_SERVER],
            cwd=REPO,
            start_new_session=True,
            stderr=sink,
        )
    try:
        wait_until(lambda: "all 2 Rasa workers are up" in log.read_text(), "the watchdog's count")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def server_and_workers(watchdog: subprocess.Popen[bytes]) -> tuple[int, set[int]]:
    found: dict[str, object] = {}

    def ready() -> bool:
        servers = sorted(children(watchdog.pid))
        if not servers:
            return False
        workers = forked_workers(servers[0])
        found.update(server=servers[0], workers=workers)
        return len(workers) == 2

    wait_until(ready, "the server and its 2 workers")
    return int(str(found["server"])), set(found["workers"])  # type: ignore[call-overload]


def test_a_dead_worker_makes_the_watchdog_stop_the_server_and_exit_1(
    watchdog: subprocess.Popen[bytes],
) -> None:
    server, workers = server_and_workers(watchdog)
    victim, survivor = sorted(workers)
    os.kill(victim, signal.SIGKILL)
    assert watchdog.wait(timeout=30) == 1, "supervisord must see an exit to restart the server"
    assert not alive(server) and not alive(survivor), "nothing of the old server is left"


def test_sigterm_stops_the_server_gracefully_and_exits_with_its_code(
    watchdog: subprocess.Popen[bytes],
) -> None:
    server, workers = server_and_workers(watchdog)
    watchdog.send_signal(signal.SIGTERM)
    assert watchdog.wait(timeout=30) == 0
    assert not alive(server) and not any(alive(pid) for pid in workers)


def test_a_killed_watchdog_takes_the_server_down_with_it(
    watchdog: subprocess.Popen[bytes],
) -> None:
    server, workers = server_and_workers(watchdog)
    watchdog.kill()
    watchdog.wait(timeout=10)
    wait_until(lambda: not alive(server), "the server to stop (parent-death signal)")
    wait_until(lambda: not any(alive(pid) for pid in workers), "its workers to stop")


def test_the_command_line_is_checked() -> None:
    assert parse(["2", "--", "rasa", "run"]) == (2, ["rasa", "run"])
    for wrong in (["1", "--", "rasa"], ["x", "--", "rasa"], ["2", "rasa"], ["2", "--"]):
        with pytest.raises(UsageError):
            parse(wrong)
