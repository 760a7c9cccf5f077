"""The switch to HKDF subkeys: what a bank wrote with the version 1 keys is still read, verified
and found by the same bank after the switch (one database, one BANK_SECRET_KEY)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from bank_helpers import (
    MARIA_CEDULA,
    MARIA_PIN,
    START,
    cheap_settings,
    expect,
    latest_sms_code,
    to_contact,
    to_otp,
)
from sqlalchemy import select
from test_bank_assist_tickets import PAULA
from test_bank_mini import customer_id, generate

import bank.settings
from bank.bootstrap import Bank, build_bank
from bank.clock import FixedClock
from bank.crypto import SecretCipher, SecretHasher
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS, CARLOS_PASSWORD, CARLOS_USERNAME
from bank.keys import KeyRing, derive_key, legacy_key
from bank.migrate import upgrade_database
from bank.models import SECOND_FACTOR_TOKEN, Customer, OnlineUser
from bank.rate_limits import MINI_CEDULA_PER_CHILD, RateLimiter
from bank.registration import Step
from bank.totp import new_token_secret
from tests.support.banks import seeded

CHAT = "tg:8801"


@dataclass(frozen=True)
class Switch:
    """The bank before the switch (version 1 keys only) and after it, on one database."""

    before: Bank
    after: Bank

    def key(self, purpose: str) -> bytes:
        return derive_key(self.after.settings.secret_key, purpose)

    def old_key(self, purpose: str) -> bytes:
        return legacy_key(self.after.settings.secret_key, purpose)

    def new_only_hasher(self) -> SecretHasher:
        return SecretHasher(pepper=self.key("hash-pepper"), time_cost=1, memory_kib=8)


@pytest.fixture
def switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Switch]:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url)
    settings = cheap_settings(url)
    clock = FixedClock(START)
    with monkeypatch.context() as before_hkdf:
        before_hkdf.setattr(
            bank.settings, "key_ring", lambda master, purpose: KeyRing(legacy_key(master, purpose))
        )
        before = seeded(build_bank(settings, clock))
    after = build_bank(settings, clock)
    yield Switch(before, after)
    before.dispose()
    after.dispose()


def _stored_password(bank: Bank) -> str:
    with unit_of_work(bank.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username == CARLOS_USERNAME))
        assert user is not None
        return user.password_hash


def test_a_legacy_pepper_password_signs_in_and_is_rehashed_with_the_new_pepper(
    switch: Switch,
) -> None:
    legacy_hash = _stored_password(switch.after)
    assert not switch.new_only_hasher().verify(legacy_hash, CARLOS_PASSWORD)
    signed = switch.after.parent_sign_in.sign_in(
        sender_id=CHAT, username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert signed.code == "signed_in"
    rehashed = _stored_password(switch.after)
    assert rehashed != legacy_hash and rehashed.startswith("pep1$$argon2id$")
    assert switch.new_only_hasher().verify(rehashed, CARLOS_PASSWORD)
    assert not switch.after.hasher.check(rehashed, CARLOS_PASSWORD).outdated


def test_a_wrong_password_is_refused_under_either_pepper(switch: Switch) -> None:
    parent = switch.after.parent_sign_in
    wrong = parent.sign_in(sender_id=CHAT, username=CARLOS_USERNAME, password="Equivocada1")
    assert wrong.code == "wrong"  # against the legacy-pepper hash
    right = parent.sign_in(sender_id=CHAT, username=CARLOS_USERNAME, password=CARLOS_PASSWORD)
    assert right.code == "signed_in"
    again = parent.sign_in(sender_id=CHAT, username=CARLOS_USERNAME, password="Equivocada1")
    assert again.code == "wrong"  # against the new-pepper hash


def test_a_legacy_pin_verifies_and_is_rehashed(switch: Switch) -> None:
    with unit_of_work(switch.after.sessions) as session:
        maria = session.scalar(select(Customer).where(Customer.id_number == MARIA_CEDULA))
        assert maria is not None and maria.pin_hash is not None
        legacy_hash = maria.pin_hash
    to_contact(switch.after, CHAT)
    with unit_of_work(switch.after.sessions) as session:
        maria = session.scalar(select(Customer).where(Customer.id_number == MARIA_CEDULA))
        assert maria is not None and maria.pin_hash != legacy_hash
        assert switch.new_only_hasher().verify(maria.pin_hash, MARIA_PIN)


def test_a_legacy_totp_secret_is_read_and_encrypted_again_with_the_new_key(
    switch: Switch,
) -> None:
    secret = new_token_secret()
    with unit_of_work(switch.before.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username == CARLOS_USERNAME))
        assert user is not None
        user.second_factor = SECOND_FACTOR_TOKEN
        user.totp_secret_encrypted = SecretCipher(switch.old_key("totp-secret")).encrypt(secret)
    parent = switch.after.parent_sign_in
    assert (
        parent.sign_in(sender_id=CHAT, username=CARLOS_USERNAME, password=CARLOS_PASSWORD).code
        == "token_required"
    )
    code = pyotp.TOTP(secret).at(START)
    assert parent.submit_token(sender_id=CHAT, code=code).code == "signed_in"
    with unit_of_work(switch.after.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username == CARLOS_USERNAME))
        assert user is not None and user.totp_secret_encrypted is not None
        assert SecretCipher(switch.key("totp-secret")).decrypt(user.totp_secret_encrypted) == (
            secret
        )


def test_a_secret_box_item_put_before_is_taken_after(switch: Switch) -> None:
    ref = switch.before.secret_box.put(sender_id=CHAT, kind="pin", value="1234")
    assert switch.after.secret_box.take(ref=ref, sender_id=CHAT, kind="pin") == "1234"


def test_an_sms_code_sent_before_works_after(switch: Switch) -> None:
    to_otp(switch.before, CHAT)
    code = latest_sms_code(switch.after)
    expect(switch.after.registration.submit_otp(sender_id=CHAT, code=code), "ok", Step.USERNAME)


def test_an_activation_code_generated_before_works_after(switch: Switch) -> None:
    code = generate(switch.before, customer_id(switch.before, CARLOS.id_number))
    check = switch.after.activation_codes.check(child_cedula=ANDREA.cedula, code=code)
    assert check.code == "ok"


def test_audit_rows_written_before_are_found_by_customer_after(switch: Switch) -> None:
    switch.before.assist_phone.lookup(agent=PAULA, cedula_or_ruc=MARIA_CEDULA)
    switch.after.assist_phone.lookup(agent=PAULA, cedula_or_ruc=MARIA_CEDULA)
    rows = switch.after.audit_log.read(customer=MARIA_CEDULA)
    lookups = [row for row in rows if row.action == "assist.lookup"]
    assert len(lookups) == 2
    assert lookups[0].details["customer_ref"] != lookups[1].details["customer_ref"]


def test_rate_limit_hits_recorded_before_still_count(switch: Switch) -> None:
    before = RateLimiter(key=switch.old_key("rate-limits"))
    after = RateLimiter(key=switch.after.settings.key_ring("rate-limits"))
    with unit_of_work(switch.after.sessions) as session:
        for _ in range(MINI_CEDULA_PER_CHILD.max_hits):
            before.hit(session, limit=MINI_CEDULA_PER_CHILD, subject=ANDREA.cedula, now=START)
        verdict = after.check(
            session, limit=MINI_CEDULA_PER_CHILD, subject=ANDREA.cedula, now=START
        )
    assert not verdict.allowed
