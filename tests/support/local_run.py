"""`make run`'s launcher (scripts/run.sh) started for an e2e test, and ways to reach its parts.

The launcher runs in a temporary work directory on free ports with its own bank and Rasa tracker
(`Servers.prepare`), in its own session so that everything it started can be stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
import xmlrpc.client
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from supervisor.xmlrpc import SupervisorTransport

from bank.bootstrap import Bank, build_bank
from bank.settings import load_settings
from bot.playground.client import PlaygroundClient
from tests.support.log_scan import WATCH
from tests.support.servers import REPO, Servers, current_model, free_port

START_TIMEOUT_SECONDS = 420.0
RESTART_TIMEOUT_SECONDS = 240.0
STOP_TIMEOUT_SECONDS = 150.0
READY_LINE = "The assistant is running"
PROGRAMS = ("actions", "rasa", "playground", "bot", "desk")


@dataclass
class LocalRun:
    """scripts/run.sh started in its own session, and ways to reach its supervisord."""

    servers: Servers
    process: subprocess.Popen[bytes]
    output: Path
    desk_port: int

    @property
    def var_dir(self) -> Path:
        return self.servers.workdir / "var"

    def rpc(self) -> Any:
        """supervisord's XML-RPC interface, over its unix socket."""
        transport = SupervisorTransport(None, None, f"unix://{self.var_dir / 'supervisor.sock'}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def info(self, name: str) -> dict[str, Any]:
        info: dict[str, Any] = self.rpc().getProcessInfo(name)
        return info

    def health_url(self, name: str) -> str | None:
        servers = self.servers
        return {
            "actions": f"http://127.0.0.1:{servers.action_port}/health",
            "rasa": f"{servers.rasa_url}/",
            "playground": f"{servers.playground_url}/playground/api/personas",
            "desk": f"http://127.0.0.1:{self.desk_port}/entrar",
        }.get(name)

    def wait_ready(self) -> None:
        """Until the launcher prints its "running" message (it checked every health)."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if READY_LINE in self.output.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise AssertionError(f"run.sh exited:\n{self.describe()}")
            time.sleep(1)
        raise AssertionError(f"run.sh was not ready in time:\n{self.describe()}")

    def kill(self, name: str) -> int:
        """SIGKILL one supervised program; its old pid."""
        pid = int(self.info(name)["pid"])
        assert pid > 0, f"{name} is not running"
        os.kill(pid, signal.SIGKILL)
        return pid

    async def wait_restarted(self, name: str, old_pid: int) -> int:
        """Until supervisord reports `name` RUNNING again under a new pid that answers."""
        deadline = time.monotonic() + RESTART_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            info = await asyncio.to_thread(self.info, name)
            if info["statename"] == "RUNNING" and info["pid"] not in (0, old_pid):
                url = self.health_url(name)
                if url is None or await answers(url):
                    return int(info["pid"])
            await asyncio.sleep(0.5)
        raise AssertionError(f"{name} was not restarted:\n{self.describe()}")

    async def wait_healthy(self, name: str) -> None:
        url = self.health_url(name)
        assert url is not None
        deadline = time.monotonic() + RESTART_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if await answers(url):
                return
            await asyncio.sleep(0.5)
        raise AssertionError(f"{name} did not answer {url}:\n{self.describe()}")

    def session_pids(self) -> list[int]:
        """Every live process of the launcher's session (run.sh, supervisord, programs)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid and fields[0] != "Z":
                found.append(int(entry.name))
        return found

    def stop(self) -> int | None:
        """SIGTERM the launcher and wait; anything left afterwards is killed. Its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        for pid in self.session_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        return self.process.returncode

    def supervisor_log(self) -> str:
        return (self.var_dir / "log" / "supervisord.log").read_text(errors="replace")

    def describe(self) -> str:
        logs = [self.output.read_text(errors="replace")[-2000:]]
        for name in ("supervisord", *PROGRAMS):
            path = self.var_dir / "log" / f"{name}.log"
            if path.exists():
                logs.append(f"--- {name}.log\n{path.read_text(errors='replace')[-1500:]}")
        return "\n".join(logs)


async def answers(url: str) -> bool:
    try:
        async with httpx.AsyncClient() as http:
            return (await http.get(url, timeout=2.0)).status_code < 500
    except httpx.HTTPError:
        return False


def start_local_run(servers: Servers, **extra_env: str) -> LocalRun:
    """scripts/run.sh on `servers`' ports and work directory, ready (every health checked)."""
    servers.prepare()  # the bank migrated and seeded, endpoints with the tracker in workdir
    desk_port = free_port()
    env = {
        **servers.env(),
        "MODEL": str(servers.model),
        "VAR_DIR": str(servers.workdir / "var"),
        "ENDPOINTS": str(servers.workdir / "endpoints.yml"),
        "RASA_PORT": str(servers.rasa_port),
        "ACTION_SERVER_PORT": str(servers.action_port),
        "PLAYGROUND_PORT": str(servers.playground_port),
        "DESK_PORT": str(desk_port),
        **extra_env,
    }
    WATCH.watch(servers.workdir / "var" / "log")  # the programs' logs (supervisord's config)
    output = servers.workdir / "run.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [str(REPO / "scripts" / "run.sh")],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    launched = LocalRun(servers=servers, process=process, output=output, desk_port=desk_port)
    try:
        launched.wait_ready()
    except BaseException:
        launched.stop()
        raise
    return launched


# The bodies of the module-scoped fixtures every e2e module over `make run` declares.


def running(workdir: Path, **extra_env: str) -> Iterator[LocalRun]:
    """The launcher started in `workdir` (with the current model), then stopped."""
    launched = start_local_run(Servers(workdir=workdir, model=current_model()), **extra_env)
    try:
        yield launched
    finally:
        launched.stop()


def bank_of(run: LocalRun) -> Iterator[Bank]:
    """The bank of a running launcher, wired in the test's process."""
    wired = build_bank(load_settings(run.servers.env()))
    yield wired
    wired.dispose()


@contextlib.asynccontextmanager
async def playground_of(run: LocalRun) -> AsyncIterator[PlaygroundClient]:
    """A client of the launcher's playground (the Bot API stand-in)."""
    async with httpx.AsyncClient() as http:
        yield PlaygroundClient(run.servers.playground_url, http)
