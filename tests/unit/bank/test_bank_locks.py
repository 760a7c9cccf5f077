"""Identity locks: 3 failures lock for 30 minutes, the 3rd lock in 24 hours waits for an agent."""

from __future__ import annotations

import pytest
from bank_helpers import (
    ANA_CEDULA,
    CARLOS_CEDULA,
    COMPANY_RUC,
    JORGE_CEDULA,
    LUIS_CEDULA,
    MARIA_CEDULA,
    expect,
    to_pin,
    unknown_cedula,
)
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.identity import CustomerRefs
from bank.models import AuditEntry
from bank.outcome import Outcome
from bank.registration import Step

SENDER = "tg:3001"


def _try_pin(bank: Bank, number: str, pin: str, sender: str = SENDER) -> Outcome:
    reg = bank.registration
    reg.start(sender_id=sender)
    entered = reg.submit_identity_number(sender_id=sender, text=number)
    if entered.code != "ok":
        return entered
    return reg.submit_pin(sender_id=sender, pin=pin)


def _lock(bank: Bank, number: str = MARIA_CEDULA) -> Outcome:
    _try_pin(bank, number, "0000")
    _try_pin(bank, number, "0000")
    return _try_pin(bank, number, "0000")


def test_wrong_pin_counts_down_and_asks_the_identity_again(bank: Bank) -> None:
    first = expect(_try_pin(bank, MARIA_CEDULA, "0000"), "wrong_credentials", Step.IDENTITY_NUMBER)
    assert first.data == {"attempts_left": 2}
    second = expect(_try_pin(bank, MARIA_CEDULA, "9999"), "last_attempt", Step.IDENTITY_NUMBER)
    assert second.data == {"attempts_left": 1}
    third = expect(_try_pin(bank, MARIA_CEDULA, "1111"), "locked", Step.ENDED)
    assert third.data == {"minutes": 30}
    assert bank.registration.current_step(sender_id=SENDER) == Step.ENDED


def test_locked_identity_is_refused_right_after_the_number(bank: Bank, clock: FixedClock) -> None:
    _lock(bank)
    clock.advance(minutes=10)
    refused = expect(_try_pin(bank, "1710034065001", "1234"), "locked", Step.ENDED)
    assert refused.data == {"minutes": 20}  # the cédula and the RUC share one lock
    clock.advance(minutes=20)
    expect(_try_pin(bank, MARIA_CEDULA, "1234"), "ok", Step.CONTACT_CONFIRMATION)


def test_success_resets_the_consecutive_failures(bank: Bank) -> None:
    _try_pin(bank, MARIA_CEDULA, "0000")
    _try_pin(bank, MARIA_CEDULA, "0000")
    expect(_try_pin(bank, MARIA_CEDULA, "1234"), "ok")
    bank.registration.cancel(sender_id=SENDER)
    assert _try_pin(bank, MARIA_CEDULA, "0000").data == {"attempts_left": 2}


def test_unknown_identity_counts_the_same(bank: Bank) -> None:
    stranger = unknown_cedula()
    # An unknown number is not revealed at the number: the PIN is asked as for a customer.
    bank.registration.start(sender_id=SENDER)
    expect(
        bank.registration.submit_identity_number(sender_id=SENDER, text=stranger), "ok", Step.PIN
    )
    first = expect(bank.registration.submit_pin(sender_id=SENDER, pin="1234"), "wrong_credentials")
    assert first.data == {"attempts_left": 2}
    expect(_try_pin(bank, stranger, "1234"), "last_attempt")
    expect(_try_pin(bank, stranger, "1234"), "locked")
    expect(_try_pin(bank, stranger, "1234"), "locked")


def test_wrong_and_unknown_give_identical_outcomes(bank: Bank) -> None:
    known = _try_pin(bank, MARIA_CEDULA, "0000", sender="tg:a")
    unknown = _try_pin(bank, unknown_cedula(), "0000", sender="tg:b")
    assert known == unknown


def test_pin_format_does_not_count(bank: Bank) -> None:
    to_pin(bank, SENDER)
    refused = expect(
        bank.registration.submit_pin(sender_id=SENDER, pin="12a4"), "invalid", Step.PIN
    )
    assert refused.data == {"reason": "pin_format"}
    assert bank.registration.submit_pin(sender_id=SENDER, pin="0000").data == {"attempts_left": 2}


def test_third_lock_within_24_hours_is_held(bank: Bank, clock: FixedClock) -> None:
    expect(_lock(bank), "locked")
    clock.advance(minutes=31)
    expect(_lock(bank), "locked")
    clock.advance(minutes=31)
    expect(_lock(bank), "locked_held", Step.ENDED)
    clock.advance(hours=72)
    expect(_try_pin(bank, MARIA_CEDULA, "1234"), "locked_held", Step.ENDED)
    # An agent unlocks; the history is cleared, so the next lock is an ordinary one.
    reg = bank.registration
    assert (
        reg.unlock_identity(identity_key=MARIA_CEDULA, agent="ana", reason="called") == "unlocked"
    )
    expect(_try_pin(bank, MARIA_CEDULA, "1234"), "ok")
    reg.cancel(sender_id=SENDER)
    expect(_lock(bank), "locked")
    with unit_of_work(bank.sessions) as session:
        unlocks = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "identity.unlocked"))
        )
    assert [(u.actor, u.subject, u.details) for u in unlocks] == [
        (
            "agent:ana",
            "17*********01",
            {
                "reason": "called",
                "customer_ref": CustomerRefs(
                    key=bank.settings.subkey("assist-customer-ref")
                ).ref_of_text(MARIA_CEDULA),
            },
        )
    ]


def test_locks_older_than_24_hours_do_not_count(bank: Bank, clock: FixedClock) -> None:
    _lock(bank)
    clock.advance(hours=13)
    _lock(bank)
    clock.advance(hours=12)  # the first lock is now 25 hours old
    expect(_lock(bank), "locked")


def test_held_demo_identity(bank: Bank) -> None:
    expect(_try_pin(bank, JORGE_CEDULA, "4321"), "locked_held", Step.ENDED)
    assert (
        bank.registration.unlock_identity(
            identity_key="0928765437001", agent="supervisor", reason="identity checked at agency"
        )
        == "unlocked"
    )
    expect(_try_pin(bank, JORGE_CEDULA, "4321"), "ok")


def test_unlock_of_an_open_identity(bank: Bank) -> None:
    result = bank.registration.unlock_identity(identity_key=ANA_CEDULA, agent="x", reason="y")
    assert result == "not_locked"
    with pytest.raises(ValueError):
        bank.registration.unlock_identity(identity_key="123", agent="x", reason="y")


def test_additional_user_has_its_own_lock(bank: Bank) -> None:
    reg = bank.registration

    def company_try(pin: str, cedula: str = LUIS_CEDULA) -> Outcome:
        reg.start(sender_id=SENDER)
        reg.submit_identity_number(sender_id=SENDER, text=COMPANY_RUC)
        reg.submit_additional_user(sender_id=SENDER, is_additional=True)
        entered = reg.submit_additional_cedula(sender_id=SENDER, text=cedula)
        if entered.code != "ok":
            return entered
        return reg.submit_pin(sender_id=SENDER, pin=pin)

    company_try("0000")
    company_try("0000")
    expect(company_try("0000"), "locked")
    expect(company_try("5678"), "locked", Step.ENDED)  # refused at the cédula already
    # The person alone and the company alone are other identities.
    expect(_try_pin(bank, LUIS_CEDULA, "0000"), "wrong_credentials")
    assert (
        bank.registration.unlock_identity(
            identity_key=f"{COMPANY_RUC}+{LUIS_CEDULA}", agent="x", reason="y"
        )
        == "unlocked"
    )
    expect(company_try("5678"), "ok", Step.CONTACT_CONFIRMATION)


def test_company_without_additional_user_uses_the_company_pin(bank: Bank) -> None:
    reg = bank.registration
    reg.start(sender_id=SENDER)
    reg.submit_identity_number(sender_id=SENDER, text=COMPANY_RUC)
    expect(reg.submit_additional_user(sender_id=SENDER, is_additional=False), "ok", Step.PIN)
    # The demo company has no PIN of its own: only its additional user can register.
    expect(reg.submit_pin(sender_id=SENDER, pin="5678"), "wrong_credentials")


def test_no_mobile_and_already_registered_end_the_journey(bank: Bank) -> None:
    expect(_try_pin(bank, ANA_CEDULA, "2468"), "no_mobile", Step.ENDED)
    expect(_try_pin(bank, CARLOS_CEDULA, "2580"), "already_registered", Step.ENDED)


def test_identity_number_reasons(bank: Bank) -> None:
    reg = bank.registration
    reg.start(sender_id=SENDER)
    for text, reason in [
        ("", "empty"),
        ("abc", "not_digits"),
        ("12345", "length"),
        ("1710034066", "check_digit"),
    ]:
        refused = expect(reg.submit_identity_number(sender_id=SENDER, text=text), "invalid")
        assert refused.data == {"reason": reason}
        assert refused.step == Step.IDENTITY_NUMBER
    reg.submit_identity_number(sender_id=SENDER, text=COMPANY_RUC)
    reg.submit_additional_user(sender_id=SENDER, is_additional=True)
    refused = expect(reg.submit_additional_cedula(sender_id=SENDER, text=COMPANY_RUC), "invalid")
    assert refused.data == {"reason": "length"}


def test_audit_of_failures_and_locks(bank: Bank) -> None:
    _lock(bank)
    with unit_of_work(bank.sessions) as session:
        rows = list(
            session.scalars(select(AuditEntry).where(AuditEntry.subject == "17*********01"))
        )
    # Rows about the identity are masked for reading and keyed for filtering.
    assert rows and all("1710034065" not in repr(r.details) for r in rows)
    assert len(bank.audit_log.read(customer=MARIA_CEDULA)) >= len(rows)
    actions = [r.action for r in rows]
    assert actions.count("identity.failed") == 3 and actions.count("identity.locked") == 1
