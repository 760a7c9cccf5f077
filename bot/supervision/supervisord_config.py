"""The supervisord configuration of `make run`, filled from deploy/local/*.conf.in."""

from __future__ import annotations

import shlex
from pathlib import Path
from string import Template
from typing import Final

from bot.supervision.topology import LocalTopology

TEMPLATE_DIR: Final = Path(__file__).resolve().parents[2] / "deploy" / "local"
# Sanic drains in-flight requests this long on SIGTERM; supervisord waits a little longer
# before it resorts to SIGKILL.
GRACEFUL_SECONDS: Final = 20
STOP_WAIT_SECONDS: Final = 30
BOT_STOP_WAIT_SECONDS: Final = 60


def render_supervisord_config(topology: LocalTopology, template_dir: Path = TEMPLATE_DIR) -> str:
    """The whole configuration; the playground's program only when it is wanted, the agents'
    web desk always."""
    values = {
        "repo": str(topology.repo),
        "var_dir": str(topology.var_dir),
        "graceful_seconds": str(GRACEFUL_SECONDS),
        "stop_wait_seconds": str(STOP_WAIT_SECONDS),
        "bot_stop_wait_seconds": str(BOT_STOP_WAIT_SECONDS),
        "actions_command": _command(actions_command(topology)),
        "rasa_command": _command(rasa_command(topology)),
        "playground_command": _command(playground_command(topology)),
        "bot_command": _command(bot_command(topology)),
        "desk_command": _command(desk_command(topology)),
        # The bot checks the action server's health before asking a lost step again.
        "action_server_url": f"http://127.0.0.1:{topology.action_port}",
    }
    playground = ""
    if topology.playground:
        playground = _fill(template_dir / "playground.conf.in", values)
    desk = _fill(template_dir / "desk.conf.in", values)
    sections = {"playground_section": playground, "desk_section": desk}
    return _fill(template_dir / "supervisord.conf.in", {**values, **sections})


def actions_command(topology: LocalTopology) -> list[str]:
    return [
        str(topology.python),
        "-m",
        "bot.supervision.action_server",
        "--actions",
        "actions",
        "--port",
        str(topology.action_port),
    ]


def rasa_command(topology: LocalTopology) -> list[str]:
    """`rasa run`; with several workers, under the watchdog that restarts it when one dies."""
    command = [
        str(topology.rasa),
        "run",
        "--model",
        str(topology.model),
        "--endpoints",
        str(topology.endpoints),
        "--credentials",
        str(topology.credentials),
        "--interface",
        "127.0.0.1",
        "--port",
        str(topology.rasa_port),
    ]
    if topology.rasa_workers == 1:
        return command
    watchdog = [str(topology.python), "-m", "bot.supervision.rasa_workers"]
    return [*watchdog, str(topology.rasa_workers), "--", *command]


def playground_command(topology: LocalTopology) -> list[str]:
    return [str(topology.python), "-m", "bot.playground", "--port", str(topology.playground_port)]


def desk_command(topology: LocalTopology) -> list[str]:
    """The agents' web desk (issue 16)."""
    return [str(topology.python), "-m", "desk"]


def bot_command(topology: LocalTopology) -> list[str]:
    return [str(topology.python), "-m", "bot"]


def _fill(template: Path, values: dict[str, str]) -> str:
    return Template(template.read_text(encoding="utf-8")).substitute(values)


def _command(arguments: list[str]) -> str:
    """One command line; topology paths hold no '%', which supervisord would expand."""
    return shlex.join(arguments)
