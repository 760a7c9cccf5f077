"""`python -m deploy.scaled`: the scaled topology on one machine, under supervisord.

PostgreSQL (bank and tracker store) and Redis (Rasa's lock store, the bots' shared state) are
the servers already running on 127.0.0.1; this launcher creates the databases if missing,
migrates and seeds the bank, checks HAProxy's configuration, then runs supervisord in the
foreground (deploy/scaled/supervisord.conf): HAProxy, 2 action servers, 2 Rasa servers, the
playground (without TELEGRAM_BOT_TOKEN) and 2 bot instances in webhook mode. It prints where
to open the playground once every backend is up; Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Final

from deploy.scaled.databases import create_missing_databases, migrate_and_seed_bank
from deploy.scaled.health import tiers_up
from deploy.scaled.topology import (
    HAPROXY_CFG,
    LOOPBACK,
    REPO,
    SUPERVISORD_CONF,
    TopologyError,
    scaled_environment,
)

SUPERVISORD: Final = REPO / ".venv" / "bin" / "supervisord"
READY_TIMEOUT_SECONDS: Final = 600.0
STOP_TIMEOUT_SECONDS: Final = 120.0


class LaunchError(RuntimeError):
    """The topology cannot start; the message says what to do."""


def current_model(env: Mapping[str, str]) -> Path:
    """$MODEL, or the model models/CURRENT names."""
    named = env.get("MODEL", "").strip()
    if not named:
        pointer = REPO / "models" / "CURRENT"
        if not pointer.exists():
            raise LaunchError("no trained model: run `make train` first (or set MODEL)")
        named = pointer.read_text().strip()
    model = (REPO / named).resolve()
    if not model.is_file():
        raise LaunchError(f"the model {named} does not exist: run `make train`")
    return model


def busy_ports(env: Mapping[str, str], names: Sequence[str]) -> list[str]:
    """The named ports something already listens on (127.0.0.1)."""
    busy = []
    for name in names:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((LOOPBACK, int(env[name])))
            except OSError:
                busy.append(f"{name}={env[name]}")
    return busy


def prepare(environ: Mapping[str, str], run_dir: Path, *, bots: bool = True) -> dict[str, str]:
    """The environment of every process, with the databases ready and HAProxy's file valid."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise LaunchError("HAProxy is missing: run make lb")
    try:
        env = {
            **environ,
            **scaled_environment(environ, run_dir=run_dir, model=current_model(environ)),
        }
    except TopologyError as exc:
        raise LaunchError(str(exc)) from None
    env["BOTS_AUTOSTART"] = "true" if bots else "false"
    # Both bot instances must accept the same secret from the Bot API (never printed).
    env["WEBHOOK_SECRET_TOKEN"] = environ.get("WEBHOOK_SECRET_TOKEN", "") or secrets.token_urlsafe(
        32
    )
    port_names = [
        name
        for name in env
        if name.endswith("_PORT")
        and name.startswith(("PLAYGROUND", "BOT_", "RASA_", "ACTION_", "LB_"))
    ]
    busy = busy_ports(env, port_names)
    if busy:
        raise LaunchError(f"ports already in use: {', '.join(busy)} (is `make run` running?)")
    old_umask = os.umask(0o077)
    try:
        (run_dir / "log").mkdir(parents=True, exist_ok=True)
    finally:
        os.umask(old_umask)
    create_missing_databases(env, [env["BANK_DB"], env["TRACKER_DB"]])
    migrate_and_seed_bank(env)
    checked = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
        [haproxy, "-c", "-q", "-f", str(HAPROXY_CFG)], env=env, capture_output=True, text=True
    )
    if checked.returncode != 0:
        raise LaunchError(f"haproxy.cfg is not valid:\n{checked.stderr}")
    return env


def wait_until_ready(
    env: Mapping[str, str], supervisor: subprocess.Popen[bytes], stop: threading.Event
) -> bool:
    """Wait until HAProxy sees every backend up; False if supervisord ended or we were stopped."""
    tiers = ["rasa", "actions"] + (["bots"] if env["BOTS_AUTOSTART"] == "true" else [])
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if supervisor.poll() is not None or stop.is_set():
            return False
        if tiers_up(env, tiers):
            return True
        stop.wait(1.0)
    raise LaunchError(
        f"the topology was not up within {READY_TIMEOUT_SECONDS:.0f} s; see {env['SCALED_LOG_DIR']}"
    )


def banner(env: Mapping[str, str]) -> str:
    """Where everything listens and where to open the playground."""
    if env["TELEGRAM_BOT_TOKEN"]:
        where = f"Talk to your bot on Telegram; its webhook is {env['WEBHOOK_URL']}."
    else:
        where = (
            f"Open the playground:  http://{LOOPBACK}:{env['PLAYGROUND_PORT']}"
            "  (a Telegram-like chat; no token needed)"
        )
    return f"""The scaled assistant is running on {LOOPBACK}, under supervisord:
  bots    LB :{env["BOT_LB_PORT"]} -> :{env["BOT_1_PORT"]} :{env["BOT_2_PORT"]} (webhook)
  Rasa    LB :{env["RASA_LB_PORT"]} -> :{env["RASA_1_PORT"]} :{env["RASA_2_PORT"]}
  actions LB :{env["ACTION_LB_PORT"]} -> :{env["ACTION_1_PORT"]} :{env["ACTION_2_PORT"]}
  HAProxy status: http://{LOOPBACK}:{env["LB_STATS_PORT"]}/
  PostgreSQL databases {env["BANK_DB"]} (bank), {env["TRACKER_DB"]} (conversations); Redis locks.
{where}
Processes:  .venv/bin/supervisorctl -s unix://{env["SCALED_RUN_DIR"]}/supervisor.sock status
Logs:       {env["SCALED_LOG_DIR"]}/
Ctrl-C stops everything."""


def run(env: dict[str, str]) -> int:
    """Run supervisord until it ends or we get SIGINT/SIGTERM; then stop it and its programs."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    supervisor = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [str(SUPERVISORD), "-n", "-c", str(SUPERVISORD_CONF)], cwd=REPO, env=env
    )
    try:
        if wait_until_ready(env, supervisor, stop):
            print(banner(env), flush=True)
        while supervisor.poll() is None and not stop.is_set():
            stop.wait(1.0)
    finally:
        if supervisor.poll() is None:
            supervisor.terminate()
            try:
                supervisor.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                supervisor.kill()
                supervisor.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stop.is_set() else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare and run the scaled topology."""
    parser = argparse.ArgumentParser(prog="python -m deploy.scaled", description=__doc__)
    parser.add_argument(
        "--run-dir",
        type=Path,
        default=Path(os.environ.get("SCALED_RUN_DIR", "") or REPO / "var" / "scaled"),
        help="supervisord's socket and the logs (default var/scaled)",
    )
    parser.add_argument(
        "--no-bots", action="store_true", help="only the Rasa and action tiers and the balancer"
    )
    args = parser.parse_args(argv)
    try:
        env = prepare(os.environ, args.run_dir.resolve(), bots=not args.no_bots)
    except (LaunchError, subprocess.CalledProcessError) as exc:
        print(f"make run-scaled: {exc}", file=sys.stderr)
        return 1
    print("Starting the scaled topology (the Rasa servers take a minute to load)...", flush=True)
    try:
        return run(env)
    except LaunchError as exc:
        print(f"make run-scaled: {exc}", file=sys.stderr)
        return 1
