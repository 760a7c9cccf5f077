"""Train and serve the minimal form bot of issue 13 (bench/minimal_bot/) on 127.0.0.1.

The model is trained with our own `.venv-rasa` into models/bench/, named after a hash of the
project's training files (reused when present). `MinimalBot` starts the bot's rasa-sdk action
server and its Rasa server (REST channel only, SQLite tracker store in a work directory), each in
its own process group, and stops both groups on exit. Run directly for a smoke test.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "bench" / "minimal_bot"
MODELS = REPO / "models" / "bench"
PYTHON = REPO / ".venv" / "bin" / "python"
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
TRAINING_FILES = ("domain.yml", "config.yml", "data/nlu.yml", "data/rules.yml")


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def quiet_env(**extra: str) -> dict[str, str]:
    """The environment of every server the bench starts: loopback only, no telemetry."""
    return {
        **os.environ,
        "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_SANIC_WORKERS": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        **extra,
    }


def model_hash() -> str:
    """Hash of the files the minimal model is trained from."""
    digest = hashlib.sha256()
    for name in TRAINING_FILES:
        digest.update((PROJECT / name).read_bytes())
    return digest.hexdigest()[:16]


def trained_model() -> Path:
    """The minimal bot's model for its current files, trained first if missing."""
    name = f"minimal-{model_hash()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        return model
    MODELS.mkdir(parents=True, exist_ok=True)
    log = MODELS / "train-minimal.log"
    print(f"training the minimal form bot into {model.relative_to(REPO)} ...", flush=True)
    with log.open("wb") as output:
        subprocess.run(
            [
                str(RASA),
                "train",
                "--data",
                "data",
                "--domain",
                "domain.yml",
                "--config",
                "config.yml",
                "--out",
                str(MODELS),
                "--fixed-model-name",
                name,
            ],
            cwd=PROJECT,
            env=quiet_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return model


def spawn_group(
    command: list[str], *, cwd: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group (so it and its children can be stopped at once)."""
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_group(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM the process group, SIGKILL it if it does not exit in time, and reap it."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        process.wait(timeout=10)


def wait_until_answers(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 300.0
) -> None:
    """Poll `url` until it answers; fail early with the log's tail if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{command_name(process)} exited with {process.returncode}:\n{tail}")
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def command_name(process: subprocess.Popen[bytes]) -> str:
    """A short name of the process's program, for error messages."""
    args = process.args
    return Path(str(args[0] if isinstance(args, list | tuple) else args)).name


def resident_mib(pid: int) -> float:
    """A process's resident memory (VmRSS) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class MinimalBot:
    """The minimal form bot's action server and Rasa server, running in `workdir`."""

    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    load_seconds: float = 0.0

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rasa_pid(self) -> int:
        return self.processes["rasa"].pid

    def start(self) -> MinimalBot:
        """Train if needed, then start the action server and the Rasa server; wait for both."""
        model = trained_model()
        logs = self.workdir / "log"
        logs.mkdir(parents=True, exist_ok=True)
        (self.workdir / "endpoints.yml").write_text(
            f"action_endpoint:\n  url: http://127.0.0.1:{self.action_port}/webhook\n"
            "tracker_store:\n  type: SQL\n  dialect: sqlite\n"
            f"  db: {self.workdir / 'rasa_tracker.db'}\n"
        )
        (self.workdir / "credentials.yml").write_text("rest:\n")
        self.processes["actions"] = spawn_group(
            [
                str(PYTHON),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
            ],
            cwd=PROJECT,
            env=quiet_env(PYTHONPATH=str(PROJECT)),
            log=logs / "actions.log",
        )
        wait_until_answers(
            f"http://127.0.0.1:{self.action_port}/health",
            self.processes["actions"],
            logs / "actions.log",
        )
        started = time.monotonic()
        self.processes["rasa"] = spawn_group(
            [
                str(RASA),
                "run",
                "--model",
                str(model),
                "--endpoints",
                str(self.workdir / "endpoints.yml"),
                "--credentials",
                str(self.workdir / "credentials.yml"),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
            ],
            cwd=self.workdir,
            env=quiet_env(),
            log=logs / "rasa.log",
        )
        wait_until_answers(f"{self.rasa_url}/", self.processes["rasa"], logs / "rasa.log")
        self.load_seconds = time.monotonic() - started
        return self

    def stop(self) -> None:
        """Stop both servers (Rasa first, so no action call is left hanging)."""
        for name in ("rasa", "actions"):
            process = self.processes.pop(name, None)
            if process is not None:
                stop_group(process)

    def __enter__(self) -> MinimalBot:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so `finally` blocks stop the servers."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main() -> None:
    """Train if needed, start the bot, run one registration through REST, print the replies."""
    argparse.ArgumentParser(description=__doc__).parse_args()
    stop_on_sigterm()
    with (
        tempfile.TemporaryDirectory(prefix="bench-minimal-") as workdir,
        MinimalBot(Path(workdir)) as bot,
    ):
        print(f"model loaded in {bot.load_seconds:.1f} s")
        for text in ("hola", "quiero registrarme", "1710034065"):
            reply = httpx.post(
                f"{bot.rasa_url}/webhooks/rest/webhook",
                json={"sender": "smoke", "message": text},
                timeout=60,
            ).json()
            print(f"> {text}\n< {' | '.join(m.get('text', '') for m in reply)}")


if __name__ == "__main__":
    main()
