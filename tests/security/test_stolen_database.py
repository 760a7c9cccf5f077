"""Findings 7, 10 and 11: what a stolen database, a leaked log or an audit reader learns.

- 7: PIN and password hashes are argon2id over an HMAC keyed with the bank's pepper, so a copy of
  the database alone cannot be cracked, not even a 4-digit PIN; older hashes are sealed with the
  bank's key at `migrate` and upgraded at the next right PIN; var/ and the SQLite files are
  owner-only.
- 10: a failed statement never quotes its values (an SMS with its code, a hash) in the error.
- 11: the registration's audit rows and unlock reasons hold neither the identity number nor
  what an agent typed about the customer; they stay findable by customer.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bank_helpers import (
    JORGE_CEDULA,
    MARIA_CEDULA,
    MARIA_PIN,
    cheap_settings,
    expect,
    to_otp,
    to_pin,
)
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bank.audit_upgrade import key_legacy_audit_rows
from bank.bootstrap import SUBKEY_HASH_PEPPER, Bank, build_bank
from bank.clock import FixedClock
from bank.crypto import SecretHasher
from bank.db import make_engine, unit_of_work
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME
from bank.hash_upgrade import seal_legacy_hashes
from bank.models import AuditEntry, Base, Customer, OnlineUser
from bank.settings import load_settings
from tests.support.concurrency import fresh_postgres_schema

SENTINEL_CODE = "493817"


def _crack_pin(stored: str) -> str | None:
    """What an attacker with the database does: try all 10,000 PINs against the argon2 part."""
    argon2_part = stored[stored.index("$argon2id$") :] if "$argon2id$" in stored else stored
    plain = PasswordHasher()
    for number in range(10_000):
        guess = f"{number:04d}"
        try:
            if plain.verify(argon2_part, guess):
                return guess
        except (VerificationError, InvalidHashError):
            continue
    return None


def _maria(bank: Bank) -> Customer:
    with unit_of_work(bank.sessions) as session:
        customer = session.scalar(select(Customer).where(Customer.id_number == MARIA_CEDULA))
        assert customer is not None and customer.pin_hash is not None
        session.expunge(customer)
        return customer


def test_attacker_with_a_stolen_database_cannot_crack_a_four_digit_pin(bank: Bank) -> None:
    stored = _maria(bank).pin_hash
    assert stored is not None
    assert _crack_pin(stored) is None
    assert bank.hasher.verify(stored, MARIA_PIN)  # the bank, with its key, still can


def test_attacker_with_a_stolen_database_cannot_check_a_leaked_password(bank: Bank) -> None:
    with unit_of_work(bank.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username == CARLOS_USERNAME))
        assert user is not None
        stored = user.password_hash
    argon2_part = stored[stored.index("$argon2id$") :]
    with pytest.raises(VerificationError):
        PasswordHasher().verify(argon2_part, CARLOS_PASSWORD)
    assert bank.hasher.verify(stored, CARLOS_PASSWORD)


def test_legacy_unpeppered_hash_is_sealed_at_migrate_and_upgraded_at_the_next_right_pin(
    bank: Bank,
) -> None:
    legacy = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(MARIA_PIN)
    with unit_of_work(bank.sessions) as session:
        customer = session.scalar(select(Customer).where(Customer.id_number == MARIA_CEDULA))
        assert customer is not None
        customer.pin_hash = legacy
    with unit_of_work(bank.sessions) as session:
        assert seal_legacy_hashes(session, bank.hasher) == 1
        assert seal_legacy_hashes(session, bank.hasher) == 0  # idempotent
    sealed = _maria(bank).pin_hash
    assert sealed is not None and "$argon2id$" not in sealed
    assert _crack_pin(sealed) is None
    to_pin(bank, "tg:maria")
    expect(bank.registration.submit_pin(sender_id="tg:maria", pin=MARIA_PIN), "ok")
    upgraded = _maria(bank).pin_hash
    assert upgraded is not None and upgraded.startswith("pep1$")
    assert _crack_pin(upgraded) is None


def test_a_hash_of_an_older_cost_is_remade_at_the_current_cost_at_the_next_right_pin(
    bank: Bank,
) -> None:
    # A bank that lowers or raises argon2's cost (bank.crypto) moves every hash to it over time.
    older = SecretHasher(
        pepper=bank.settings.subkey(SUBKEY_HASH_PEPPER), time_cost=2, memory_kib=16, parallelism=1
    )
    with unit_of_work(bank.sessions) as session:
        customer = session.scalar(select(Customer).where(Customer.id_number == MARIA_CEDULA))
        assert customer is not None
        customer.pin_hash = older.hash(MARIA_PIN)
    to_pin(bank, "tg:maria")
    expect(bank.registration.submit_pin(sender_id="tg:maria", pin=MARIA_PIN), "ok")
    remade = _maria(bank).pin_hash
    assert remade is not None and "$m=16,t=2,p=1$" not in remade
    assert not bank.hasher.needs_upgrade(remade) and bank.hasher.verify(remade, MARIA_PIN)


def test_other_local_users_cannot_read_var_the_key_or_the_sqlite_files(tmp_path: Path) -> None:
    var = tmp_path / "var"
    settings = load_settings({}, var_dir=var)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "bank_secret.key").stat().st_mode) == 0o600
    old_umask = os.umask(0o022)  # a permissive umask must not matter
    try:
        engine = make_engine(settings.database_url)
        Base.metadata.create_all(engine)
        engine.dispose()
    finally:
        os.umask(old_umask)
    files = [path for path in var.iterdir() if path.name.startswith("bank.db")]
    assert files, "the bank's SQLite file was created"
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        pytest.param(
            "postgresql+psycopg://postgres@127.0.0.1:5432/test", marks=pytest.mark.postgres
        ),
    ],
)
def test_a_failed_insert_does_not_quote_an_sms_code_in_the_error_or_the_log(
    url: str, caplog: pytest.LogCaptureFixture, clock: FixedClock
) -> None:
    bank = build_bank(cheap_settings(url), clock)
    try:
        with bank.engine.begin() as connection:
            AuditEntry.__table__.create(connection, checkfirst=True)
        statement = insert(AuditEntry).values(
            at=clock.now(), actor="sms", action=None, subject=f"Tu código es {SENTINEL_CODE}"
        )
        with pytest.raises(IntegrityError) as failure, bank.engine.begin() as connection:
            connection.execute(statement)
        assert SENTINEL_CODE not in str(failure.value)
        assert SENTINEL_CODE not in caplog.text
    finally:
        if url.startswith("postgresql"):
            with bank.engine.begin() as connection:
                connection.execute(AuditEntry.__table__.delete().where(AuditEntry.actor == "sms"))
        bank.dispose()


def _audit_rows(bank: Bank) -> list[AuditEntry]:
    with unit_of_work(bank.sessions) as session:
        rows = list(session.scalars(select(AuditEntry)))
        for row in rows:
            session.expunge(row)
        return rows


def test_audit_reader_cannot_read_identity_numbers_from_registration_rows(bank: Bank) -> None:
    to_pin(bank, "tg:one")
    expect(bank.registration.submit_pin(sender_id="tg:one", pin="0000"), "wrong_credentials")
    to_otp(bank, "tg:two")
    expect(bank.registration.submit_otp(sender_id="tg:two", code="000000"), "wrong")
    rows = [
        r
        for r in _audit_rows(bank)
        if r.action.startswith(("identity.", "otp.")) and r.actor.startswith("sender:")
    ]
    assert {r.action for r in rows} >= {"identity.failed", "identity.verified", "otp.issued"}
    dumped = json.dumps([(r.subject, r.details) for r in _audit_rows(bank)], ensure_ascii=False)
    assert (
        MARIA_CEDULA not in dumped and JORGE_CEDULA not in dumped and MARIA_CEDULA[:9] not in dumped
    )
    assert all(r.subject == "17*********01" for r in rows)
    # Still findable by customer, through the keyed ref.
    found = bank.audit_log.read(customer=MARIA_CEDULA)
    assert {r.action for r in found} >= {"identity.failed", "identity.verified", "otp.issued"}


def test_audit_reader_cannot_read_what_an_agent_wrote_about_the_customer(bank: Bank) -> None:
    reason = f"Cliente verificado por teléfono, cédula {JORGE_CEDULA}, dijo su clave 4321"
    assert (
        bank.registration.unlock_identity(identity_key=JORGE_CEDULA, agent="cli", reason=reason)
        == "unlocked"
    )
    assert bank.agents.add(telegram_user_id="1005", display_name="Paula").code in {
        "added",
        "updated",
    }
    bank.assist_phone.unlock(agent="1005", cedula_or_ruc=JORGE_CEDULA, reason=reason)
    rows = [r for r in _audit_rows(bank) if "unlock" in r.action]
    assert len(rows) >= 3
    dumped = json.dumps([(r.subject, r.details) for r in rows], ensure_ascii=False)
    assert JORGE_CEDULA not in dumped and "4321" not in dumped
    assert "Cliente verificado por teléfono" in dumped  # the reason is still there, redacted
    assert len(bank.audit_log.read(customer=JORGE_CEDULA)) >= 3


@pytest.mark.parametrize(
    "engine_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_audit_rows_written_before_the_fix_are_masked_and_keyed_at_migrate(
    engine_kind: str, clock: FixedClock
) -> None:
    with contextlib.ExitStack() as stack:
        url = "sqlite://"
        if engine_kind == "postgres":
            url = stack.enter_context(fresh_postgres_schema("audit_legacy"))
        bank = build_bank(cheap_settings(url), clock)
        stack.callback(bank.dispose)
        Base.metadata.create_all(bank.engine)
        legacy_reason = f"verificado por teléfono, cédula {JORGE_CEDULA}"
        with unit_of_work(bank.sessions) as session:
            session.add_all(
                [
                    AuditEntry(
                        at=clock.now(),
                        actor="agent:ana",
                        action="identity.unlocked",
                        subject="0928765437001",
                        details={"reason": legacy_reason},
                    ),
                    AuditEntry(
                        at=clock.now(),
                        actor="sender:tg:1",
                        action="identity.failed",
                        subject="1791234561001+1704567898",
                        details={"attempts_left": 2},
                    ),
                    AuditEntry(
                        at=clock.now(), actor="x", action="ticket", subject="ticket:4", details={}
                    ),
                ]
            )
        with unit_of_work(bank.sessions) as session:
            assert key_legacy_audit_rows(session, bank.customer_refs) == 2
            assert key_legacy_audit_rows(session, bank.customer_refs) == 0  # idempotent
        rows = _audit_rows(bank)
        assert sorted(r.subject for r in rows) == [
            "09*********01",
            "17*********01 + 17******98",
            "ticket:4",
        ]
        dumped = json.dumps([(r.subject, r.details) for r in rows], ensure_ascii=False)
        assert JORGE_CEDULA not in dumped and "1791234561001" not in dumped
        assert [r.action for r in bank.audit_log.read(customer=JORGE_CEDULA)] == [
            "identity.unlocked"
        ]
