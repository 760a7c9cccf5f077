"""deploy/scaled/supervisord.conf, read by supervisor itself: what runs and how it comes back."""

from __future__ import annotations

import socket
from pathlib import Path

from scaled_configs import programs, supervisor_options, topology_env
from supervisor.datatypes import RestartUnconditionally

from deploy.scaled.topology import ENDPOINTS_YML, REPO

EXPECTED_PROGRAMS = {
    "haproxy",
    "action-1",
    "action-2",
    "rasa-1",
    "rasa-2",
    "playground",
    "bot-1",
    "bot-2",
}


def test_every_program_is_restarted_whenever_it_stops(tmp_path: Path) -> None:
    parsed = programs(supervisor_options(topology_env(tmp_path)))
    assert set(parsed) == EXPECTED_PROGRAMS
    for name, program in parsed.items():
        assert program.autorestart is RestartUnconditionally, name
        assert program.autostart, name
        assert program.startretries >= 10, f"{name} gives up too soon"
        # Stopping stops the whole process group, so no child outlives a stop.
        assert program.stopasgroup and program.killasgroup, name
        assert program.stopsignal == 15, f"{name} is not stopped gracefully (SIGTERM)"


def test_each_backend_listens_on_its_own_port_of_the_topology(tmp_path: Path) -> None:
    env = topology_env(tmp_path)
    parsed = programs(supervisor_options(env))
    for number in ("1", "2"):
        rasa = parsed[f"rasa-{number}"].command.split()
        assert rasa[rasa.index("--port") + 1] == env[f"RASA_{number}_PORT"]
        assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
        assert rasa[rasa.index("--endpoints") + 1] == str(ENDPOINTS_YML)
        assert rasa[rasa.index("--model") + 1] == env["MODEL"]
        assert "--enable-api" not in rasa, "the HTTP API stays off"
        assert parsed[f"rasa-{number}"].environment["SANIC_GRACEFUL_SHUTDOWN_TIMEOUT"] == "20"
        actions = parsed[f"action-{number}"]
        words = actions.command.split()
        # One process: a killed server takes its port with it (no orphaned Sanic worker).
        assert words[1:3] == ["-m", "bot.supervision.action_server"]
        assert words[words.index("--port") + 1] == env[f"ACTION_{number}_PORT"]
        assert actions.environment["SANIC_HOST"] == "127.0.0.1"
        assert actions.environment["SANIC_GRACEFUL_SHUTDOWN_TIMEOUT"] == "20"
        bot = parsed[f"bot-{number}"]
        assert bot.environment["WEBHOOK_PORT"] == env[f"BOT_{number}_PORT"]
    playground = parsed["playground"].command.split()
    assert playground[playground.index("--host") + 1] == "127.0.0.1"
    assert playground[playground.index("--port") + 1] == env["PLAYGROUND_PORT"]
    for name, program in parsed.items():
        assert program.directory == str(REPO), f"{name} must run from the repository"


def test_the_bots_share_their_settings_through_the_launcher_environment(tmp_path: Path) -> None:
    env = topology_env(tmp_path)
    assert env["BOT_MODE"] == "webhook"
    assert env["WEBHOOK_LISTEN"] == "127.0.0.1"
    assert env["WEBHOOK_URL"] == f"http://127.0.0.1:{env['BOT_LB_PORT']}/telegram/webhook"
    assert env["RASA_URL"] == f"http://127.0.0.1:{env['RASA_LB_PORT']}"
    assert env["ACTION_SERVER_URL"] == f"http://127.0.0.1:{env['ACTION_LB_PORT']}"
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["BOT_SHARED_STATE_URL"].startswith("redis://127.0.0.1:")


def test_with_a_telegram_token_the_playground_is_not_started(tmp_path: Path) -> None:
    env = topology_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN="123456:ABCDEFGHIJ",
        WEBHOOK_URL="https://bank.example/telegram/webhook",
    )
    parsed = programs(supervisor_options(env))
    assert not parsed["playground"].autostart
    assert parsed["bot-1"].autostart and parsed["rasa-1"].autostart
    assert env["WEBHOOK_URL"] == "https://bank.example/telegram/webhook"


def test_supervisord_is_controlled_only_through_an_owner_only_unix_socket(
    tmp_path: Path,
) -> None:
    options = supervisor_options(topology_env(tmp_path))
    assert options.server_configs, "supervisorctl needs a control socket"
    for server in options.server_configs:
        assert server["family"] == socket.AF_UNIX, "no TCP control port"
        assert server["chmod"] == 0o700
        assert Path(server["file"]).parent == tmp_path
    assert options.umask == 0o077
