"""deploy/scaled/launcher.py: what it refuses before starting anything, and what it prints."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from deploy.scaled import launcher
from deploy.scaled.launcher import LaunchError, banner, busy_ports, current_model, prepare
from deploy.scaled.topology import scaled_environment


def test_a_port_something_listens_on_is_reported() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert busy_ports({"RASA_1_PORT": port}, ["RASA_1_PORT"]) == [f"RASA_1_PORT={port}"]
    assert busy_ports({"RASA_1_PORT": port}, ["RASA_1_PORT"]) == []


def test_without_a_trained_model_it_says_to_train(tmp_path: Path) -> None:
    with pytest.raises(LaunchError, match="make train"):
        current_model({"MODEL": str(tmp_path / "missing.tar.gz")})
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"x")
    assert current_model({"MODEL": str(model)}) == model


def test_a_busy_port_stops_it_before_any_database_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"x")

    def no_database(*_args: object) -> None:
        raise AssertionError("a database was touched")

    monkeypatch.setattr(launcher, "create_missing_databases", no_database)
    monkeypatch.setattr(launcher, "migrate_and_seed_bank", no_database)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        with pytest.raises(LaunchError, match=f"RASA_LB_PORT={port}"):
            prepare({"MODEL": str(model), "RASA_LB_PORT": port}, tmp_path / "run")


def test_the_banner_says_where_to_chat_and_never_shows_a_secret(tmp_path: Path) -> None:
    env = scaled_environment({}, run_dir=tmp_path, model=tmp_path / "m.tar.gz")
    env["WEBHOOK_SECRET_TOKEN"] = "SecretValue123"
    text = banner(env)
    assert "Open the playground:  http://127.0.0.1:8080" in text
    assert "LB :5005 -> :5006 :5007" in text
    assert f"supervisorctl -s unix://{tmp_path}/supervisor.sock status" in text
    assert "SecretValue123" not in text
    token_env = scaled_environment(
        {"TELEGRAM_BOT_TOKEN": "123456:ABCDEFGHIJ", "WEBHOOK_URL": "https://x.example/t"},
        run_dir=tmp_path,
        model=tmp_path / "m.tar.gz",
    )
    token_text = banner(token_env)
    assert "Telegram" in token_text and "playground" not in token_text
    assert "ABCDEFGHIJ" not in token_text
