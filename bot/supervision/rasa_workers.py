"""`python -m bot.supervision.rasa_workers N -- rasa run ...`: Rasa on N Sanic workers, watched.

Rasa runs several Sanic workers (`SANIC_WORKERS`, with a lock store other than the in-memory
one): a main process binds the port and forks the workers, which load the model and answer. That
Sanic (21.12) never replaces a worker that dies; the survivors go on alone, and supervisord, which
only sees the main process, never knows. This watchdog runs the server in its own process group
with `SANIC_WORKERS=N`; once all N workers have been up, a missing one makes it stop the server
gracefully and exit 1, so supervisord starts the whole server again. SIGTERM or SIGINT is passed
to the server, which drains its requests; the watchdog then exits with the server's code. If the
watchdog itself is killed, the kernel sends the server SIGTERM (Linux's parent-death signal).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Final

logger = logging.getLogger("rasa_workers")

POLL_SECONDS: Final = 1.0
STOP_WAIT_SECONDS: Final = 25.0
PR_SET_PDEATHSIG: Final = 1
MAX_WORKERS: Final = 16


class UsageError(ValueError):
    """The command line is not `N -- command ...`."""


def parse(argv: Sequence[str]) -> tuple[int, list[str]]:
    """The number of workers and the server's command."""
    if len(argv) < 3 or argv[1] != "--":
        raise UsageError("usage: python -m bot.supervision.rasa_workers N -- command ...")
    raw = argv[0]
    if not raw.isdecimal() or not 2 <= int(raw) <= MAX_WORKERS:
        raise UsageError(f"N must be a number of workers from 2 to {MAX_WORKERS}, not {raw!r}")
    return int(raw), list(argv[2:])


def children(pid: int) -> set[int]:
    """The live child processes of `pid` (Linux's /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.update(int(child) for child in task.read_text().split())
        except (OSError, ValueError):
            continue
    return found


def forked_workers(pid: int) -> set[int]:
    """The children of `pid` that are forks of it (same command line): Sanic's workers."""
    own = _command_line(pid)
    return {child for child in children(pid) if own and _command_line(child) == own}


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _terminate_with_parent() -> None:
    """In the server's process, before exec: SIGTERM when the watchdog dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(server: subprocess.Popen[bytes], workers: set[int]) -> None:
    """SIGTERM to the server (its main process drains and stops its workers), then make sure no
    worker is left: Sanic's main process may fail to stop the others when one is already gone,
    and a leftover worker would keep the port from the restarted server."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=STOP_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    leftovers = {pid for pid in workers if _running(pid)}
    for pid in leftovers:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while any(_running(pid) for pid in leftovers) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in leftovers:
        _signal(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def watch(workers: int, command: list[str], poll_seconds: float = POLL_SECONDS) -> int:
    """Run the server until it exits, is told to stop, or loses a worker (then 1)."""
    env = {**os.environ, "SANIC_WORKERS": str(workers)}
    # The command comes from make run's own configuration (supervisord_config.rasa_command).
    server = subprocess.Popen(command, env=env, preexec_fn=_terminate_with_parent)  # noqa: S603
    stopping = False

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    all_up = False
    known: set[int] = set()
    while server.poll() is None:
        if not stopping:
            alive = forked_workers(server.pid)
            known |= alive
            if len(alive) >= workers and not all_up:
                all_up = True
                logger.info("all %d Rasa workers are up", workers)
            elif all_up and len(alive) < workers:
                logger.error(
                    "a Rasa worker died (%d of %d left): restarting the server", len(alive), workers
                )
                _stop(server, known)
                return 1
        time.sleep(poll_seconds)
    code = server.wait()
    if stopping:
        return code
    return code or 1


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        workers, command = parse(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    return watch(workers, command)


if __name__ == "__main__":
    sys.exit(main())
