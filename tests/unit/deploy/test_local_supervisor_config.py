"""The supervisord configuration of `make run`, read back by supervisor's own parser."""

from __future__ import annotations

import shlex
import socket
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ClientOptions, ServerOptions

from bot.supervision.__main__ import prepare
from bot.supervision.endpoints import EndpointsError, local_endpoints
from bot.supervision.supervisord_config import (
    BOT_STOP_WAIT_SECONDS,
    GRACEFUL_SECONDS,
    render_supervisord_config,
)
from bot.supervision.topology import REPO, LocalTopology, TopologyError, topology_from_environ

SERVERS = ("actions", "rasa")
LOG_NAMES = {name: f"{name}.log" for name in ("actions", "rasa", "playground", "desk", "bot")}


def topology(tmp_path: Path, **env: str) -> LocalTopology:
    values = {
        "MODEL": "models/produbanco-test.tar.gz",
        "VAR_DIR": str(tmp_path / "var"),
        "RASA_PORT": "6005",
        "ACTION_SERVER_PORT": "6055",
        "PLAYGROUND_PORT": "6080",
        **env,
    }
    return topology_from_environ(values)


def parsed(tmp_path: Path, chosen: LocalTopology) -> ServerOptions:
    (chosen.var_dir / "log").mkdir(parents=True, exist_ok=True)
    path = tmp_path / "supervisord.conf"
    path.write_text(render_supervisord_config(chosen))
    options = ServerOptions()
    options.configfile = str(path)
    options.process_config(do_usage=False)
    return options


def programs(options: ServerOptions) -> dict[str, Any]:
    return {
        process.name: process
        for group in options.process_group_configs
        for process in group.process_configs
    }


def test_without_a_token_the_five_programs_start_in_order_and_stop_in_reverse(
    tmp_path: Path,
) -> None:
    options = parsed(tmp_path, topology(tmp_path))
    by_priority = sorted(options.process_group_configs, key=lambda group: group.priority)
    assert [group.name for group in by_priority] == [
        "actions",
        "rasa",
        "playground",
        "bot",
        "desk",
    ]


def test_with_a_token_there_is_no_playground(tmp_path: Path) -> None:
    options = parsed(tmp_path, topology(tmp_path, TELEGRAM_BOT_TOKEN="42:real-token-value"))
    assert set(programs(options)) == {"actions", "rasa", "desk", "bot"}
    rendered = render_supervisord_config(topology(tmp_path, TELEGRAM_BOT_TOKEN="42:real-value"))
    assert "real-value" not in rendered, "secrets stay in the environment"


def test_every_program_is_restarted_whenever_it_exits_and_stops_gracefully(
    tmp_path: Path,
) -> None:
    for name, program in programs(parsed(tmp_path, topology(tmp_path))).items():
        assert program.autorestart is RestartUnconditionally, name
        assert program.autostart, name
        assert program.startsecs >= 3, name
        assert program.startretries >= 10, name
        assert program.stopsignal == 15, f"{name} is stopped with SIGTERM"
        assert program.killasgroup, name
        assert program.umask == 0o077, name
        assert program.directory == str(REPO), name
    servers = programs(parsed(tmp_path, topology(tmp_path)))
    for name in SERVERS:
        environment = servers[name].environment
        assert environment == {"SANIC_GRACEFUL_SHUTDOWN_TIMEOUT": str(GRACEFUL_SECONDS)}
        assert servers[name].stopwaitsecs > GRACEFUL_SECONDS, "Sanic drains before SIGKILL"
    assert servers["bot"].stopwaitsecs == BOT_STOP_WAIT_SECONDS > GRACEFUL_SECONDS


def test_each_program_logs_to_its_usual_file_in_var_log(tmp_path: Path) -> None:
    chosen = topology(tmp_path)
    options = parsed(tmp_path, chosen)
    for name, program in programs(options).items():
        assert program.stdout_logfile == str(chosen.var_dir / "log" / LOG_NAMES[name])
        assert program.redirect_stderr, name
    daemon = options.configroot.supervisord
    assert daemon.logfile == str(chosen.var_dir / "log" / "supervisord.log")
    assert daemon.pidfile == str(chosen.var_dir / "supervisord.pid")
    assert daemon.childlogdir == str(chosen.var_dir / "log")
    assert daemon.nodaemon and daemon.silent


def test_the_control_socket_is_an_owner_only_unix_socket_under_var(tmp_path: Path) -> None:
    chosen = topology(tmp_path)
    options = parsed(tmp_path, chosen)
    servers = options.configroot.supervisord.server_configs
    assert [server["family"] for server in servers] == [socket.AF_UNIX], "no inet_http_server"
    assert servers[0]["file"] == str(chosen.var_dir / "supervisor.sock")
    assert servers[0]["chmod"] == 0o700
    client = ClientOptions()
    client.realize(["-c", str(tmp_path / "supervisord.conf")])
    assert client.serverurl == f"unix://{chosen.var_dir}/supervisor.sock"
    assert "inet_http_server" not in render_supervisord_config(chosen)


def test_the_commands_use_the_chosen_ports_model_and_generated_endpoints(tmp_path: Path) -> None:
    chosen = topology(tmp_path)
    commands = {
        name: shlex.split(program.command)
        for name, program in programs(parsed(tmp_path, chosen)).items()
    }
    python = str(REPO / ".venv" / "bin" / "python")
    assert commands["actions"] == [
        python,
        "-m",
        "bot.supervision.action_server",
        "--actions",
        "actions",
        "--port",
        "6055",
    ]
    assert commands["rasa"] == [
        str(REPO / ".venv-rasa" / "bin" / "rasa"),
        "run",
        "--model",
        str(REPO / "models" / "produbanco-test.tar.gz"),
        "--endpoints",
        str(chosen.var_dir / "endpoints.yml"),
        "--credentials",
        str(REPO / "credentials.yml"),
        "--interface",
        "127.0.0.1",
        "--port",
        "6005",
    ]
    assert commands["playground"] == [python, "-m", "bot.playground", "--port", "6080"]
    assert commands["bot"] == [python, "-m", "bot"]
    assert commands["desk"] == [python, "-m", "desk"]


def test_the_bot_knows_where_the_action_servers_health_is(tmp_path: Path) -> None:
    # Before asking a lost step again the bot waits until the action server answers too.
    bot = programs(parsed(tmp_path, topology(tmp_path)))["bot"]
    assert bot.environment == {"ACTION_SERVER_URL": "http://127.0.0.1:6055"}


def test_defaults_are_the_usual_ports_and_var(tmp_path: Path) -> None:
    chosen = topology_from_environ({"MODEL": "models/m.tar.gz"})
    assert (chosen.rasa_port, chosen.action_port, chosen.playground_port) == (5005, 5055, 8080)
    assert chosen.var_dir == REPO / "var"
    assert chosen.source_endpoints == REPO / "endpoints.yml"
    assert chosen.playground


def test_paths_with_spaces_survive_supervisors_parsing(tmp_path: Path) -> None:
    odd = tmp_path / "a [b] dir"
    chosen = topology(tmp_path, VAR_DIR=str(odd))
    options = parsed(tmp_path, chosen)
    assert shlex.split(programs(options)["rasa"].command)[5] == str(odd / "endpoints.yml")
    assert programs(options)["bot"].stdout_logfile == str(odd / "log" / "bot.log")


@pytest.mark.parametrize(
    ("env", "word"),
    [
        ({"MODEL": ""}, "MODEL"),
        ({"RASA_PORT": "80a"}, "RASA_PORT"),
        ({"ACTION_SERVER_PORT": "70000"}, "ACTION_SERVER_PORT"),
        ({"PLAYGROUND_PORT": "0"}, "PLAYGROUND_PORT"),
        ({"VAR_DIR": "/tmp/" + "x" * 120}, "VAR_DIR"),
        ({"VAR_DIR": "var\n[program:evil]"}, "line break"),
        ({"VAR_DIR": "var/%(ENV_HOME)s"}, "'%'"),
        ({"MODEL": "models/100%.tar.gz"}, "'%'"),
        ({"RASA_WORKERS": "2"}, "RASA_LOCK_STORE_URL"),
        ({"RASA_LOCK_STORE_URL": "redis://h", "RASA_WORKERS": "0"}, "RASA_WORKERS"),
        ({"RASA_LOCK_STORE_URL": "http://127.0.0.1:6379"}, "RASA_LOCK_STORE_URL"),
        ({"RASA_LOCK_STORE_URL": "redis://:secret@127.0.0.1"}, "password"),
        ({"RASA_LOCK_STORE_URL": "redis://127.0.0.1/x"}, "database"),
        ({"RASA_LOCK_STORE_URL": "redis://127.0.0.1:99999"}, "RASA_LOCK_STORE_URL"),
    ],
)
def test_unusable_settings_are_refused_with_the_variables_name(
    tmp_path: Path, env: dict[str, str], word: str
) -> None:
    with pytest.raises(TopologyError, match=word):
        topology(tmp_path, **env)


def test_endpoints_get_the_action_servers_port_and_keep_the_rest() -> None:
    source = (
        'action_endpoint:\n  url: "http://127.0.0.1:5055/webhook"\n'
        "tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: /tmp/t.db\n"
    )
    written = yaml.safe_load(local_endpoints(source, 6055))
    assert written == {
        "action_endpoint": {"url": "http://127.0.0.1:6055/webhook"},
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": "/tmp/t.db"},
    }
    assert yaml.safe_load(local_endpoints("", 6055)) == {
        "action_endpoint": {"url": "http://127.0.0.1:6055/webhook"}
    }
    with pytest.raises(EndpointsError):
        local_endpoints("- a list\n", 6055)


def test_by_default_rasa_runs_one_worker_with_its_in_memory_lock_store(tmp_path: Path) -> None:
    chosen = topology(tmp_path)
    assert (chosen.lock_store, chosen.rasa_workers) == (None, 1)
    prepare(chosen)
    assert "lock_store" not in yaml.safe_load((chosen.var_dir / "endpoints.yml").read_text())


def test_with_a_redis_lock_store_rasa_runs_two_watched_workers(tmp_path: Path) -> None:
    chosen = topology(tmp_path, RASA_LOCK_STORE_URL="redis://127.0.0.1:6380/3")
    assert chosen.rasa_workers == 2
    prepare(chosen)
    written = yaml.safe_load((chosen.var_dir / "endpoints.yml").read_text())
    assert written["lock_store"] == {
        "type": "redis",
        "url": "127.0.0.1",
        "port": 6380,
        "db": 3,
        "key_prefix": "produbanco",
    }
    rasa = shlex.split(programs(parsed(tmp_path, chosen))["rasa"].command)
    python = str(REPO / ".venv" / "bin" / "python")
    assert rasa[:6] == [python, "-m", "bot.supervision.rasa_workers", "2", "--", str(chosen.rasa)]
    assert rasa[-1] == "6005"
    three = topology(tmp_path, RASA_LOCK_STORE_URL="redis://127.0.0.1", RASA_WORKERS="3")
    assert three.rasa_workers == 3 and three.lock_store is not None
    assert three.lock_store.port == 6379 and three.lock_store.db == 0


def test_prepare_writes_both_files_owner_only(tmp_path: Path) -> None:
    source = tmp_path / "endpoints.yml"
    source.write_text("tracker_store:\n  type: SQL\n")
    chosen = topology(tmp_path, ENDPOINTS=str(source))
    written = prepare(chosen)
    assert written == chosen.var_dir / "supervisord.conf"
    for path in (written, chosen.var_dir / "endpoints.yml"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for directory in (chosen.var_dir, chosen.var_dir / "log"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert "127.0.0.1:6055/webhook" in (chosen.var_dir / "endpoints.yml").read_text()
