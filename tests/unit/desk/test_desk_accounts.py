"""Desk accounts in the bank and from the CLI: argon2id hashes, `agents add --login`, the
supervisor command, the demo accounts seeded once."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import pytest
from desk_support import PAULA_LOGIN, PAULA_PASSWORD

from bank.assist.desk_accounts import DeskAccounts, DeskCode
from bank.bootstrap import SUBKEY_HASH_PEPPER, Bank
from bank.cli import main
from bank.crypto import SecretHasher
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.models import DeskAccount


def _accounts(bank: Bank) -> DeskAccounts:
    return DeskAccounts(session_factory=bank.sessions, clock=bank.clock, hasher=bank.hasher)


def test_passwords_are_stored_as_argon2id_hashes(bank: Bank) -> None:
    with unit_of_work(bank.sessions) as session:
        account = session.get(DeskAccount, PAULA_LOGIN)
        assert account is not None
        assert "$argon2id$" in account.password_hash and PAULA_PASSWORD not in account.password_hash
    answer = _accounts(bank).sign_in(login=" PAULA ", password=PAULA_PASSWORD)
    assert answer.code == DeskCode.SIGNED_IN and answer.principal is not None
    assert (answer.principal.agent_id, answer.principal.role) == ("1005", "agent")


def test_accounts_are_checked_before_they_are_set(bank: Bank) -> None:
    accounts = _accounts(bank)
    strong = "una-clave-bastante-larga"
    assert (
        accounts.set_account(telegram_user_id=1005, login="x", role="agent", password=strong)
        == DeskCode.INVALID_LOGIN
    )
    assert (
        accounts.set_account(telegram_user_id=1005, login="paula2", role="jefe", password=strong)
        == DeskCode.INVALID_ROLE
    )
    assert (
        accounts.set_account(telegram_user_id=1005, login="paula2", role="agent", password="corta")
        == DeskCode.WEAK_PASSWORD
    )
    assert (
        accounts.set_account(telegram_user_id=4444, login="nadie", role="agent", password=strong)
        == DeskCode.NOT_AGENT
    )
    assert (
        accounts.set_supervisor(login="paula", display_name="Otra", password=strong)
        == DeskCode.LOGIN_TAKEN
    )
    # A new password replaces the old one.
    assert (
        accounts.set_account(telegram_user_id=1005, login="paula", role="agent", password=strong)
        == DeskCode.SET
    )
    assert accounts.sign_in(login="paula", password=PAULA_PASSWORD).code == DeskCode.WRONG
    assert accounts.sign_in(login="paula", password=strong).code == DeskCode.SIGNED_IN


def test_seeding_twice_adds_the_demo_accounts_once(bank: Bank) -> None:
    with unit_of_work(bank.sessions) as session:
        report = seed_demo(session, hasher=bank.hasher, clock=bank.clock)
    assert report.desk_accounts == 0
    with unit_of_work(bank.sessions) as session:
        roles = {a.login: (a.role, a.agent_id) for a in session.query(DeskAccount)}
    assert roles == {"paula": ("agent", "1005"), "rosa": ("supervisor", None)}


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bank.db'}")
    monkeypatch.setenv("BANK_SECRET_KEY", secrets.token_hex(32))
    assert main(["migrate"]) == 0
    assert main(["seed"]) == 0


def test_agents_add_gives_a_desk_login(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("clave-de-laura-2026\n"))
    argv = ["agents", "add", "2001", "Laura", "--login", "Laura", "--role", "supervisor"]
    assert main([*argv, "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "2001 Laura: added" in out and "desk login laura (supervisor): set" in out
    assert "clave-de-laura-2026" not in out
    monkeypatch.setattr("sys.stdin", io.StringIO("corta\n"))
    assert main(["agents", "add", "2002", "Lucía", "--login", "lucia", "--password-stdin"]) == 2
    assert "weak_password" in capsys.readouterr().err
    # The Telegram form is unchanged.
    assert main(["agents", "add", "2003", "Mario"]) == 0
    assert capsys.readouterr().out.strip() == "2003 Mario: added"
    assert main(["agents", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("1005\tPaula\tactive\t")
    assert listed[0].endswith("\tdesk login paula (agent)")
    assert listed[1].endswith("\tdesk login laura (supervisor)")
    assert listed[-1].startswith("2003\tMario\tactive") and "desk login" not in listed[-1]
    monkeypatch.setattr("sys.stdin", io.StringIO("clave-del-supervisor\n"))
    assert main(["agents", "supervisor", "jefa", "Jefa de turno", "--password-stdin"]) == 0
    assert "desk login jefa (supervisor): set" in capsys.readouterr().out


def test_typed_passwords_must_match(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["clave-uno-larga", "clave-dos-larga"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["agents", "add", "2001", "Laura", "--login", "laura"]) == 2
    assert "differ" in capsys.readouterr().err


def test_an_outdated_hash_is_remade_at_the_next_sign_in(bank: Bank) -> None:
    older = SecretHasher(
        pepper=bank.settings.key_ring(SUBKEY_HASH_PEPPER),
        time_cost=2,
        memory_kib=16,
        parallelism=1,
    )
    password = "una-clave-bastante-larga"
    made_before = DeskAccounts(session_factory=bank.sessions, clock=bank.clock, hasher=older)
    assert (
        made_before.set_account(
            telegram_user_id=1005, login="paula", role="agent", password=password
        )
        == DeskCode.SET
    )
    with unit_of_work(bank.sessions) as session:
        before = session.get(DeskAccount, "paula").password_hash  # type: ignore[union-attr]
    assert bank.hasher.check(before, password).outdated
    assert _accounts(bank).sign_in(login="paula", password=password).code == DeskCode.SIGNED_IN
    with unit_of_work(bank.sessions) as session:
        after = session.get(DeskAccount, "paula").password_hash  # type: ignore[union-attr]
    assert after != before and not bank.hasher.check(after, password).outdated
