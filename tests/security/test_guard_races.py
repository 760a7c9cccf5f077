"""Finding 8: concurrent wrong PINs for one identity, on PostgreSQL (and on a SQLite file).

Before the fix, with no guard row yet, every concurrent attempt was checked before any lock
applied: an attacker with N chats got N PIN guesses instead of 3. Now each attempt inserts or
locks the identity's guard row first, so exactly 3 are checked and the rest find the lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bank_helpers import MARIA_PIN, cheap_settings, to_pin
from sqlalchemy import func, select

from bank.bootstrap import Bank, build_bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME, MATEO, seed_demo
from bank.migrate import upgrade_database
from bank.models import AuditEntry
from bank.rate_limits import MINI_CEDULA_PER_CHILD
from tests.support.concurrency import fresh_postgres_schema, race

ATTACKERS = 8
WRONG_PINS = [f"{n:04d}" for n in range(9000, 9000 + ATTACKERS)]
assert MARIA_PIN not in WRONG_PINS


@pytest.fixture
def pg_bank(clock: FixedClock) -> Iterator[Bank]:
    """A seeded bank in a fresh PostgreSQL schema, dropped afterwards."""
    with fresh_postgres_schema("bank_sec") as url:
        upgrade_database(url)
        built = build_bank(cheap_settings(url), clock)
        with unit_of_work(built.sessions) as session:
            seed_demo(session, hasher=built.hasher, clock=clock)
        try:
            yield built
        finally:
            built.dispose()


@pytest.fixture
def sqlite_file_bank(tmp_path: Path, clock: FixedClock) -> Iterator[Bank]:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url)
    built = build_bank(cheap_settings(url), clock)
    with unit_of_work(built.sessions) as session:
        seed_demo(session, hasher=built.hasher, clock=clock)
    yield built
    built.dispose()


def _attack_with_concurrent_wrong_pins(bank: Bank) -> list[str]:
    senders = [f"tg:attacker{i}" for i in range(ATTACKERS)]
    for sender in senders:
        to_pin(bank, sender)  # every chat at the PIN step of María José's cédula, no guard yet

    def guess(index: int) -> str:
        return bank.registration.submit_pin(sender_id=senders[index], pin=WRONG_PINS[index]).code

    return race(ATTACKERS, guess)


def _checked_pins(bank: Bank) -> int:
    with unit_of_work(bank.sessions) as session:
        count = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "identity.failed")
        )
    return int(count or 0)


@pytest.mark.postgres
def test_concurrent_wrong_pins_from_many_chats_get_exactly_three_guesses_on_postgres(
    pg_bank: Bank,
) -> None:
    codes = _attack_with_concurrent_wrong_pins(pg_bank)
    assert _checked_pins(pg_bank) == 3
    assert sorted(codes).count("locked") == ATTACKERS - 2  # the third guess locks, the rest see it
    assert all(code in {"wrong_credentials", "last_attempt", "locked"} for code in codes)
    # Even the right PIN is refused now: the lock applies across chats.
    pg_bank.registration.start(sender_id="tg:late")
    after = pg_bank.registration.submit_identity_number(sender_id="tg:late", text="1710034065")
    assert after.code == "locked"


def test_concurrent_wrong_pins_from_many_chats_get_exactly_three_guesses_on_sqlite(
    sqlite_file_bank: Bank,
) -> None:
    _attack_with_concurrent_wrong_pins(sqlite_file_bank)
    assert _checked_pins(sqlite_file_bank) == 3


@pytest.mark.postgres
def test_concurrent_wrong_passwords_for_one_parent_get_exactly_five_guesses_on_postgres(
    pg_bank: Bank,
) -> None:
    """The parent's sign-in guard row is inserted or locked the same way: concurrent first
    guesses neither crash on the duplicate insert nor slip past the lock."""

    def guess(index: int) -> str:
        return pg_bank.parent_sign_in.sign_in(
            sender_id=f"tg:guess{index}", username=CARLOS_USERNAME, password=f"Guess{index}x9"
        ).code

    codes = race(ATTACKERS, guess)
    assert sorted(codes).count("wrong") == 4, codes
    assert sorted(codes).count("locked") == ATTACKERS - 4, codes
    refused = pg_bank.parent_sign_in.sign_in(
        sender_id="tg:carlos", username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert refused.code == "locked"


@pytest.mark.postgres
def test_concurrent_probes_of_one_mini_cedula_get_exactly_the_limit_on_postgres(
    pg_bank: Bank,
) -> None:
    """The per-cédula limit counts and records in one step per bucket: racing chats cannot slip
    extra probes between another's count and its hit."""
    registration = pg_bank.mini_registration
    senders = [f"tg:probe{i}" for i in range(ATTACKERS)]
    for sender in senders:
        registration.start(sender_id=sender)

    def probe(index: int) -> str:
        return registration.submit_cedula(sender_id=senders[index], text=MATEO.cedula).code

    codes = race(ATTACKERS, probe)
    allowed = MINI_CEDULA_PER_CHILD.max_hits
    assert sorted(codes).count("ok") == allowed, codes
    assert sorted(codes).count("rate_limited") == ATTACKERS - allowed, codes
