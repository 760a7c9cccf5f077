"""Start the real action server and Rasa server on 127.0.0.1, isolated in a work directory."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.log_scan import WATCH

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
# The tracker store of endpoints.yml (make run): Rasa's SQL store that keeps sessions short.
TRACKER_STORE_TYPE = "rasa_extensions.compacting_tracker_store.CompactingSQLTrackerStore"
STOP_ORDER = ("bot", "playground", "rasa", "actions")


def _stop_rank(name: str) -> int:
    """Where a process comes in the stop order (one not named there, first)."""
    return STOP_ORDER.index(name) + 1 if name in STOP_ORDER else 0


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def current_model() -> Path:
    """The model `make train` built for the current training data."""
    named = os.environ.get("MODEL")
    if named:
        return (REPO / named).resolve()
    pointer = REPO / "models" / "CURRENT"
    if pointer.exists():
        return (REPO / pointer.read_text().strip()).resolve()
    raise RuntimeError("No trained model: run `make train` first")


@dataclass
class Servers:
    """A running action server and Rasa server sharing one bank database in `workdir`."""

    workdir: Path
    model: Path
    bank_url: str | None = None
    tracker_url: str | None = None
    lock_store_url: str | None = None
    compact_after_events: int = 200
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    playground_port: int = field(default_factory=free_port)
    bot_env: dict[str, str] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def playground_url(self) -> str:
        return f"http://127.0.0.1:{self.playground_port}"

    @property
    def database_url(self) -> str:
        return self.bank_url or f"sqlite:///{self.workdir / 'bank.db'}"

    @property
    def log_dir(self) -> Path:
        return self.workdir / "log"

    def env(self) -> dict[str, str]:
        """Environment of every process of this system (and of the test's own bank access)."""
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "BANK_SECRET_KEY": self.secret_key,
            "SANIC_HOST": "127.0.0.1",
            "ACTION_SERVER_SANIC_WORKERS": "1",
            "PYTHONPATH": str(REPO),
            "RASA_URL": self.rasa_url,
            "PLAYGROUND_PORT": str(self.playground_port),
            "TELEGRAM_BOT_TOKEN": "",
            **self.bot_env,
        }

    def prepare(self) -> None:
        """Create the work directory, migrate and seed the bank, write Rasa's endpoints."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        WATCH.watch(self.log_dir)
        for command in ("migrate", "seed"):
            subprocess.run(
                [str(PYTHON), "-m", "bank", command], cwd=REPO, env=self.env(), check=True
            )
        tracker = self.tracker_url or f"sqlite:///{self.workdir / 'rasa_tracker.db'}"
        (self.workdir / "endpoints.yml").write_text(self._endpoints_yaml(tracker))

    def _endpoints_yaml(self, tracker_url: str) -> str:
        url = httpx.URL(tracker_url)
        if url.scheme.startswith("postgresql"):
            tracker = (
                f"tracker_store:\n  type: {TRACKER_STORE_TYPE}\n  dialect: postgresql\n"
                f"  url: {url.host}\n  port: {url.port or 5432}\n"
                f"  db: {url.path.lstrip('/')}\n  username: {url.username or 'postgres'}\n"
            )
        else:
            tracker = (
                f"tracker_store:\n  type: {TRACKER_STORE_TYPE}\n  dialect: sqlite\n"
                f"  db: {url.path}\n"
            )
        tracker += f"  compact_after_events: {self.compact_after_events}\n"
        lock = ""
        if self.lock_store_url:
            lock_url = httpx.URL(self.lock_store_url)
            lock = (
                f"lock_store:\n  type: redis\n  url: {lock_url.host}\n"
                f"  port: {lock_url.port or 6379}\n  db: 1\n"
                f"  key_prefix: e2e{self.rasa_port}\n"
            )
        action = f"action_endpoint:\n  url: http://127.0.0.1:{self.action_port}/webhook\n"
        return action + tracker + lock

    def start_actions(self) -> None:
        """Start the action server (current rasa-sdk, Python 3.11)."""
        self._spawn(
            "actions",
            [
                str(PYTHON),
                "-m",
                "bot.supervision.action_server",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
            ],
        )
        self._wait(f"http://127.0.0.1:{self.action_port}/health", "actions")

    def start_rasa(self) -> None:
        """Start the Rasa 3.6 server with the REST channel only, API off."""
        self._spawn(
            "rasa",
            [
                str(RASA),
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                str(self.workdir / "endpoints.yml"),
                "--credentials",
                str(REPO / "credentials.yml"),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
            ],
        )
        self._wait(f"{self.rasa_url}/", "rasa")

    def start(self) -> Servers:
        """Prepare and start both servers."""
        self.prepare()
        self.start_actions()
        self.start_rasa()
        return self

    def start_playground(self) -> None:
        """Start the playground (Bot API stand-in and web page)."""
        self._spawn(
            "playground",
            [str(PYTHON), "-m", "bot.playground", "--port", str(self.playground_port)],
        )
        self._wait(f"{self.playground_url}/playground/api/personas", "playground")

    def start_bot(self) -> None:
        """Start the Telegram bot against the playground; wait until it polls for updates."""
        polls_before = self._get_updates_calls()
        self._spawn("bot", [str(PYTHON), "-m", "bot", "--log-level", "debug"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.processes["bot"].poll() is not None:
                tail = (self.log_dir / "bot.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the bot exited:\n{tail}")
            if self._get_updates_calls() > polls_before:
                return
            time.sleep(0.3)
        raise RuntimeError("the bot did not start polling within 60 s")

    def _get_updates_calls(self) -> int:
        stats = httpx.get(f"{self.playground_url}/playground/api/stats", timeout=5).json()
        return int(stats.get("methods", {}).get("getUpdates", 0))

    def stop_process(self, name: str) -> None:
        """Stop one server and wait for it."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def stop(self) -> None:
        """Stop everything this object started in make run's order (supervisord's priorities):
        the bot before the playground it polls, Rasa before the action server it calls. The
        other way round, a running bot logs the playground's absence as an ERROR."""
        for name in sorted(self.processes, key=_stop_rank):
            self.stop_process(name)

    def logs(self) -> dict[str, bytes]:
        """Every log file the servers wrote."""
        return {path.name: path.read_bytes() for path in self.log_dir.glob("*.log")}

    def stored_bytes(self) -> dict[str, bytes]:
        """Every byte the system stored: its SQLite files (with their WAL files) and every log.

        The files are read by another process (`cat`): closing a descriptor of a SQLite file in
        this process would drop the locks of the test's own bank connections, and the next
        server to stop would then delete the write-ahead log under them (bank/db.py).
        """
        found = {
            path.name: subprocess.run(["cat", str(path)], capture_output=True, check=True).stdout
            for path in self.workdir.glob("*.db*")
        }
        found.update(self.logs())
        return found

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=REPO, env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    def _wait(self, url: str, name: str, timeout: float = 240.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")
            try:
                if httpx.get(url, timeout=2.0).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f} s")
