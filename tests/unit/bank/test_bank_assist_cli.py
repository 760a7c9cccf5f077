"""`python -m bank agents add|remove|list` and `python -m bank audit [--agent] [--customer]`."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest
from bank_helpers import CARLOS_CEDULA, MARIA_CEDULA, to_pin
from test_bank_assist_tickets import PAULA, expect_code

from bank.bootstrap import build_bank
from bank.cli import main
from bank.clock import FixedClock
from bank.settings import load_settings


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database migrated and seeded once through the CLI."""
    path = tmp_path_factory.mktemp("assist-cli") / "template.db"
    key = secrets.token_hex(32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{path}")
        patch.setenv("BANK_SECRET_KEY", key)
        assert main(["migrate"]) == 0
        assert main(["seed"]) == 0
    return path, key


@pytest.fixture
def env(template: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh copy of the seeded database, in the environment the CLI reads."""
    path, key = template
    copy = tmp_path / "bank.db"
    shutil.copyfile(path, copy)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy}")
    monkeypatch.setenv("BANK_SECRET_KEY", key)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.strip().splitlines()


def test_seeding_adds_paula_once(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["seed"]) == 0
    assert "0 Cuenta Mini accounts, 0 agents added" in capsys.readouterr().out


def test_agents_add_list_remove(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["agents", "add", "2001", "Laura Gómez"]) == 0
    assert _lines(capsys) == ["2001 Laura Gómez: added"]
    assert main(["agents", "add", "2001", "Laura G."]) == 0
    assert _lines(capsys) == ["2001 Laura G.: updated"]
    assert main(["agents", "list"]) == 0
    listed = [line.split("\t")[:3] for line in _lines(capsys)]
    assert listed == [["1005", "Paula", "active"], ["2001", "Laura G.", "active"]]
    assert main(["agents", "remove", "2001"]) == 0
    assert _lines(capsys) == ["2001: removed"]
    assert main(["agents", "remove", "2001"]) == 1
    assert "not an active agent" in capsys.readouterr().err
    assert main(["agents", "add", "laura", "Laura"]) == 2
    assert "invalid telegram_id" in capsys.readouterr().err
    assert main(["agents", "list"]) == 0
    assert _lines(capsys)[-1].split("\t")[:3] == ["2001", "Laura G.", "removed"]
    assert main(["audit", "--limit", "1"]) == 0
    (last,) = _lines(capsys)
    assert last.split("\t")[1:4] == ["admin:cli", "assist.agent_removed", "agent:2001"]


def test_audit_by_agent_and_by_customer(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    clock = FixedClock()
    bank = build_bank(load_settings(), clock)
    try:
        reg = bank.registration
        for _ in range(3):
            to_pin(bank, "tg:5001")
            reg.submit_pin(sender_id="tg:5001", pin="9999")
        number = bank.tickets.open(sender_id="tg:5001", reason="locked").data["ticket"]
        clock.advance(minutes=2)
        expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=number), "taken")
        bank.assist_desk.reply(agent=PAULA, text="Hola, te ayudo")
        bank.assist_desk.note(agent=PAULA, text="Llamó desde su celular")
        reason = "Verificada por teléfono con preguntas"
        expect_code(
            bank.assist_phone.unlock(agent=PAULA, cedula_or_ruc=MARIA_CEDULA, reason=reason),
            "unlocked",
        )
        expect_code(bank.assist_desk.hand_back(agent=PAULA), "handed_back")
        bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=CARLOS_CEDULA)
    finally:
        bank.dispose()
    capsys.readouterr()

    assert main(["audit", "--customer", MARIA_CEDULA]) == 0
    maria = [line.split("\t") for line in _lines(capsys)]
    actions = [fields[2] for fields in maria]
    assert actions[:3] == ["identity.failed", "identity.failed", "identity.failed"]
    assert [a for a in actions if a.startswith("assist.")] == [
        "assist.ticket_opened",
        "assist.take",
        "assist.reply",
        "assist.note",
        "assist.unlock",
        "assist.hand_back",
    ]
    assert "identity.locked" in actions and "identity.unlocked" in actions
    assert "assist.lookup" not in actions  # Carlos's
    unlock = next(fields for fields in maria if fields[2] == "assist.unlock")
    assert unlock[1] == "agent:1005 Paula" and unlock[3] == "17******65"
    assert reason in unlock[4] and '"result": "unlocked"' in unlock[4]
    assert len(unlock[0]) == len("2026-01-15 12:02:00")
    for fields in maria:
        if fields[2].startswith("assist."):
            assert MARIA_CEDULA not in "\t".join(fields)
            assert "customer_ref" not in fields[4]
            assert "Hola" not in fields[4] and "celular" not in fields[4]

    assert main(["audit", "--customer", "1710034065001"]) == 0  # her RUC finds the same rows
    assert [line.split("\t")[2] for line in _lines(capsys)] == actions

    assert main(["audit", "--agent", PAULA]) == 0
    paula = [line.split("\t") for line in _lines(capsys)]
    assert {fields[1] for fields in paula} == {"agent:1005 Paula"}
    assert [fields[2] for fields in paula] == [
        "assist.take",
        "assist.reply",
        "assist.note",
        "identity.unlocked",
        "assist.unlock",
        "assist.hand_back",
        "assist.lookup",
    ]

    assert main(["audit", "--agent", PAULA, "--customer", CARLOS_CEDULA]) == 0
    assert [line.split("\t")[2] for line in _lines(capsys)] == ["assist.lookup"]

    assert main(["audit", "--agent", "2999"]) == 0
    assert _lines(capsys) == ["(no audit rows)"]
    assert main(["audit", "--customer", "12"]) == 2
    assert main(["audit", "--agent", "paula"]) == 2
