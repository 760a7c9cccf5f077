"""`python -m bot.supervision prepare`: write var/endpoints.yml and var/supervisord.conf.

Reads MODEL, VAR_DIR (var), ENDPOINTS (endpoints.yml), RASA_PORT, ACTION_SERVER_PORT,
PLAYGROUND_PORT, TELEGRAM_BOT_TOKEN, RASA_LOCK_STORE_URL and RASA_WORKERS from the environment;
prints the configuration's path.
Both files are written owner-only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot.supervision.endpoints import EndpointsError, local_endpoints
from bot.supervision.supervisord_config import render_supervisord_config
from bot.supervision.topology import LocalTopology, TopologyError, topology_from_environ

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def prepare(topology: LocalTopology) -> Path:
    """Create var/ and var/log/ owner-only, write both files, return the configuration's path."""
    for directory in (topology.var_dir, topology.log_dir):
        directory.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    topology.var_dir.chmod(PRIVATE_DIR_MODE)
    source = topology.source_endpoints
    endpoints = local_endpoints(
        source.read_text(encoding="utf-8"),
        topology.action_port,
        source=str(source),
        lock_store=topology.lock_store,
    )
    _write_private(topology.endpoints, endpoints)
    _write_private(topology.supervisord_config, render_supervisord_config(topology))
    return topology.supervisord_config


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    path.chmod(PRIVATE_FILE_MODE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.supervision", description=__doc__)
    parser.add_argument("command", choices=["prepare"])
    parser.parse_args(argv)
    try:
        print(prepare(topology_from_environ(os.environ)))
    except (TopologyError, EndpointsError, OSError, yaml.YAMLError) as exc:
        print(f"cannot prepare the supervisor: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
