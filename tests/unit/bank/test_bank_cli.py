"""`python -m bank`: migrate, seed, outbox (text and JSON, newest last), unlock."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bank_helpers import MARIA_MOBILE, latest_sms_code, to_otp

from bank.bootstrap import build_bank
from bank.cli import main
from bank.clock import FixedClock
from bank.settings import load_settings

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database migrated and seeded once through the CLI (seeding hashes at full cost)."""
    path = tmp_path_factory.mktemp("cli") / "template.db"
    key = secrets.token_hex(32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{path}")
        patch.setenv("BANK_SECRET_KEY", key)
        assert main(["migrate"]) == 0
        assert main(["seed"]) == 0
    return path, key


@pytest.fixture
def env(
    template: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """A fresh copy of the seeded database, and the environment the CLI reads."""
    path, key = template
    copy = tmp_path / "bank.db"
    shutil.copyfile(path, copy)
    values = {"DATABASE_URL": f"sqlite:///{copy}", "BANK_SECRET_KEY": key}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_seed_is_idempotent(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["seed"]) == 0
    assert (
        "0 customers, 0 additional users, 0 online users, 0 locks, 0 Cuenta Mini"
        in capsys.readouterr().out
    )


def test_outbox_lists_messages_newest_last(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FixedClock()
    bank = build_bank(load_settings(), clock)
    try:
        to_otp(bank, "tg:7001")
        first = latest_sms_code(bank)
        clock.advance(seconds=61)
        bank.registration.request_otp(sender_id="tg:7001")
        second = latest_sms_code(bank)
    finally:
        bank.dispose()
    capsys.readouterr()

    assert main(["outbox", "--to", "099 123 4567", "--json"]) == 0
    messages = json.loads(capsys.readouterr().out)
    assert [m["recipient"] for m in messages] == [MARIA_MOBILE, MARIA_MOBILE]
    assert first in messages[0]["body"] and second in messages[1]["body"]
    assert set(messages[0]) == {"id", "channel", "recipient", "subject", "body", "created_at"}

    assert main(["outbox"]) == 0
    text = capsys.readouterr().out
    assert text.index(first) < text.index(second)
    assert f"sms to {MARIA_MOBILE}" in text

    assert main(["outbox", "--to", "nobody@example.com", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_outbox_empty(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["outbox"]) == 0
    assert "empty" in capsys.readouterr().out


def test_unlock(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["unlock", "0928765437", "--agent", "ana", "--reason", "llamó"]) == 0
    assert capsys.readouterr().out.strip() == "unlocked"
    assert main(["unlock", "12", "--agent", "ana", "--reason", "x"]) == 2


def test_weak_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANK_SECRET_KEY", "secret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    assert main(["outbox"]) == 2


def test_module_entry_point(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bank", "outbox", "--json"],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_mini_approve_approves_a_pending_account_once(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["mini", "approve", "1803456787", "--by", "ana"]) == 0
    assert "Sofía Mora León: approved" in capsys.readouterr().out
    assert main(["mini", "approve", "1803456787"]) == 0
    assert "already approved" in capsys.readouterr().out
    assert main(["mini", "approve", "1710034065"]) == 1
    assert "no Cuenta Mini" in capsys.readouterr().err
