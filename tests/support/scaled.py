"""`make run-scaled` for tests and benches: the real launcher on free ports, fresh PostgreSQL
databases and its own Redis key prefix; stopped (and cleaned up) at the end, also on failure."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import psycopg
import redis
from psycopg import sql

from deploy.scaled.health import balancer_states
from deploy.scaled.topology import DEFAULT_PORTS, postgres_url, scaled_environment
from tests.support.log_scan import WATCH
from tests.support.servers import PYTHON, REPO, free_port

# The port each program a test may kill listens on.
PROGRAM_PORTS: Final = {
    "rasa-1": "RASA_1_PORT",
    "rasa-2": "RASA_2_PORT",
    "action-1": "ACTION_1_PORT",
    "action-2": "ACTION_2_PORT",
    "bot-1": "BOT_1_PORT",
    "bot-2": "BOT_2_PORT",
}
READY_LINE: Final = "The scaled assistant is running"
START_TIMEOUT_SECONDS: Final = 600.0
STOP_TIMEOUT_SECONDS: Final = 150.0
SUPERVISORCTL: Final = REPO / ".venv" / "bin" / "supervisorctl"
SUPERVISORD_CONF: Final = REPO / "deploy" / "scaled" / "supervisord.conf"


@dataclass
class ScaledSystem:
    """One run of the scaled topology (python -m deploy.scaled) in `workdir`."""

    workdir: Path
    model: Path
    bots: bool = True
    suffix: str = field(default_factory=lambda: secrets.token_hex(4))
    ports: dict[str, int] = field(
        default_factory=lambda: {name: free_port() for name in DEFAULT_PORTS}
    )
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    process: subprocess.Popen[bytes] | None = None

    @property
    def launcher_log(self) -> Path:
        return self.workdir / "launcher.log"

    @property
    def log_dir(self) -> Path:
        return self.workdir / "run" / "log"

    def launcher_env(self) -> dict[str, str]:
        """What the test gives the launcher: ports, databases, key prefixes, the bank key."""
        return {
            **os.environ,
            **{name: str(port) for name, port in self.ports.items()},
            "MODEL": str(self.model),
            "BANK_DB": f"e2e_scaled_bank_{self.suffix}",
            "TRACKER_DB": f"e2e_scaled_tracker_{self.suffix}",
            "LOCK_STORE_KEY_PREFIX": f"e2e{self.suffix}",
            "BOT_STATE_KEY_PREFIX": f"e2e{self.suffix}",
            "BANK_SECRET_KEY": self.secret_key,
            "TELEGRAM_BOT_TOKEN": "",
            "WEBHOOK_URL": "",
            "PYTHONPATH": str(REPO),
        }

    def env(self) -> dict[str, str]:
        """The environment every process of the topology runs with (for the test's bank too)."""
        launcher = self.launcher_env()
        return {
            **launcher,
            **scaled_environment(launcher, run_dir=self.workdir / "run", model=self.model),
        }

    def url(self, port_name: str) -> str:
        return f"http://127.0.0.1:{self.ports[port_name]}"

    def start(self) -> ScaledSystem:
        """Start the launcher; return once it printed that every backend is up."""
        WATCH.watch(self.log_dir)
        command = [str(PYTHON), "-m", "deploy.scaled", "--run-dir", str(self.workdir / "run")]
        if not self.bots:
            command.append("--no-bots")
        with self.launcher_log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=self.launcher_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            output = self.launcher_log.read_text(errors="replace")
            if READY_LINE in output:
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"the launcher exited:\n{output[-3000:]}\n{self.log_tails()}")
            time.sleep(1.0)
        raise RuntimeError(f"not up within {START_TIMEOUT_SECONDS:.0f} s\n{self.log_tails()}")

    def stop(self) -> list[int]:
        """Ctrl-C (SIGINT) to the launcher, which stops supervisord and every program; then
        clean up. Returns the pids that outlived the launcher (killed here; none expected)."""
        try:
            return self._stop_processes()
        finally:
            self._drop_stores()

    def _stop_processes(self) -> list[int]:
        if self.process is None:
            return []
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        # Whatever of this run is still alive (supervisord's programs have their own process
        # groups, but stay in the launcher's session).
        leftovers = [pid for pid in session_members(self.process.pid) if process_alive(pid)]
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return leftovers

    def _drop_stores(self) -> None:
        env = self.launcher_env()
        with psycopg.connect(postgres_url(env, "postgres"), autocommit=True) as admin:
            for name in (env["BANK_DB"], env["TRACKER_DB"]):
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        topology = self.env()
        for database in (topology["LOCK_STORE_DB"], topology["BOT_STATE_DB"]):
            client = redis.Redis(host="127.0.0.1", port=6379, db=int(database))
            for key in client.scan_iter(f"e2e{self.suffix}*"):
                client.delete(key)
            client.close()

    def supervisorctl(self, *args: str) -> str:
        """Run supervisorctl against this run's supervisord; its output."""
        done = subprocess.run(
            [str(SUPERVISORCTL), "-c", str(SUPERVISORD_CONF), *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=30,
        )
        return done.stdout

    def pid(self, program: str) -> int:
        """The running pid of one program (0 when it is not running)."""
        return int(self.supervisorctl("pid", program).strip() or 0)

    def kill(self, program: str) -> int:
        """SIGKILL one program's process, as a crash would; its pid."""
        pid = self.pid(program)
        assert pid > 0, f"{program} is not running"
        os.kill(pid, signal.SIGKILL)
        # The kernel tears a big process down for a moment, thread by thread, and its listening
        # socket still takes connections meanwhile: the crash is over once every thread is gone
        # and the port refuses connections.
        port = self.ports[PROGRAM_PORTS[program]]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (process_alive(pid) or port_open(port)):
            time.sleep(0.05)
        assert not port_open(port), f"{program} was killed but its port still answers"
        return pid

    def wait_restarted(self, program: str, old_pid: int, timeout: float = 300.0) -> int:
        """Wait until supervisord runs `program` again under a new pid; that pid."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.supervisorctl("status", program)
            pid = self.pid(program)
            if "RUNNING" in status and pid not in (0, old_pid):
                return pid
            time.sleep(1.0)
        raise AssertionError(f"{program} was not restarted: {self.supervisorctl('status')}")

    def wait_balanced(self, backend: str, server: str, state: str, timeout: float = 300.0) -> None:
        """Wait until HAProxy sees `server` of `backend` in `state` (UP, DOWN)."""
        deadline = time.monotonic() + timeout
        states: dict[tuple[str, str], str] = {}
        while time.monotonic() < deadline:
            states = balancer_states(self.ports["LB_STATS_PORT"])
            if states.get((backend, server)) == state:
                return
            time.sleep(0.5)
        raise AssertionError(f"{backend}/{server} never {state}: {states}")

    def listening(self) -> list[tuple[str, int, str]]:
        """(address, port, command) of every TCP socket a process of this run listens on."""
        assert self.process is not None
        found = []
        sockets = listening_sockets()
        for pid in session_members(self.process.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except OSError:
                continue
            for link in links:
                if link in sockets:
                    found.append((*sockets[link], command.decode(errors="replace")[:80]))
        return found

    def logs(self) -> dict[str, bytes]:
        """Every log of this run."""
        return {path.name: path.read_bytes() for path in self.log_dir.glob("*.log")}

    def log_tails(self, size: int = 1500) -> str:
        return "\n".join(
            f"--- {name}\n{content[-size:].decode(errors='replace')}"
            for name, content in self.logs().items()
        )


def process_alive(pid: int) -> bool:
    """Whether any thread of process `pid` is still running (not gone, not a zombie)."""
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            return True
    return False


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def listening_sockets() -> dict[str, tuple[str, int]]:
    """Every listening TCP socket of the machine: "socket:[inode]" -> (address, port)."""
    found = {}
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A":  # LISTEN
                continue
            address, port = fields[1].split(":")
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            text = (
                socket.inet_ntop(socket.AF_INET, words)
                if width == 8
                else socket.inet_ntop(socket.AF_INET6, words)
            )
            found[f"socket:[{fields[9]}]"] = (text, int(port, 16))
    return found


def session_members(session_id: int) -> list[int]:
    """Pids of the live processes of one session (Linux /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, session.
        if int(fields[3]) == session_id:
            members.append(int(stat.parent.name))
    return members
