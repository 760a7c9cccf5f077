"""Assisted by phone: lookup, resending the SMS code within its limits, unlocking with a
reason, sending a t.me link by SMS; each audited with the agent, masked customer and reason."""

from __future__ import annotations

from bank_helpers import (
    COMPANY_RUC,
    JORGE_CEDULA,
    LUIS_CEDULA,
    LUIS_MOBILE,
    MARIA_CEDULA,
    MARIA_MOBILE,
    expect,
    latest_sms_code,
    to_contact,
    to_otp,
    to_pin,
    unknown_cedula,
)
from test_bank_assist_tickets import PAULA, audit_rows, expect_code

from bank.assist import CustomerRefs, PhoneAssist
from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.demo import ANA, ANDREA, CARLOS
from bank.outbox import read_outbox
from bank.registration import Step

CHAT = "tg:7001"


def _sms_count(bank: Bank, phone: str = MARIA_MOBILE) -> int:
    return len(read_outbox(bank.sessions, to=phone))


def test_resend_otp_goes_through_the_registrations_limits(bank: Bank, clock: FixedClock) -> None:
    to_otp(bank, CHAT)  # the customer's own first code (1 of 3 in 30 minutes)
    phone = bank.assist_phone
    too_soon = expect_code(phone.resend_otp(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "too_soon")
    assert too_soon.data == {"identity_masked": "17******65", "seconds": 60}
    assert _sms_count(bank) == 1
    clock.advance(seconds=61)
    sent = expect_code(phone.resend_otp(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "sent")
    assert sent.data == {
        "identity_masked": "17******65",
        "mobile_masked": "09******67",
        "minutes": 5,
    }
    assert _sms_count(bank) == 2
    clock.advance(seconds=61)
    expect_code(phone.resend_otp(agent=PAULA, cedula_or_ruc="1710034065001"), "sent")
    clock.advance(seconds=61)
    refused = expect_code(
        phone.resend_otp(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "too_many_codes"
    )
    assert refused.data["minutes"] == 27
    assert _sms_count(bank) == 3
    # The customer types the newest code: the journey goes on.
    expect(
        bank.registration.submit_otp(sender_id=CHAT, code=latest_sms_code(bank)),
        "ok",
        Step.USERNAME,
    )
    results = [r.details["result"] for r in audit_rows(bank) if r.action == "assist.resend_otp"]
    assert results == ["too_soon", "sent", "sent", "too_many_codes"]


def test_resend_otp_needs_a_registration_waiting_for_the_code(
    bank: Bank, clock: FixedClock
) -> None:
    phone = bank.assist_phone
    expect_code(phone.resend_otp(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "no_journey")
    to_contact(bank, CHAT)  # the customer has not confirmed the number on file yet
    expect_code(phone.resend_otp(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "no_journey")
    expect(bank.registration.request_otp(sender_id=CHAT), "sent")
    clock.advance(minutes=11)  # idle: the journey starts over at the customer's next message
    expect_code(phone.resend_otp(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "no_journey")
    assert _sms_count(bank) == 1
    expect_code(phone.resend_otp(agent=PAULA, cedula_or_ruc="17"), "invalid_identity")


def test_resend_otp_respects_the_block_after_wrong_codes(bank: Bank, clock: FixedClock) -> None:
    to_otp(bank, CHAT)
    right = latest_sms_code(bank)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        bank.registration.submit_otp(sender_id=CHAT, code=wrong)
    clock.advance(seconds=61)
    blocked = expect_code(
        bank.assist_phone.resend_otp(agent=PAULA, cedula_or_ruc=MARIA_CEDULA),
        "attempts_exhausted",
    )
    assert blocked.data["minutes"] == 29  # blocked 30 minutes, one of which has passed
    assert _sms_count(bank) == 1


def test_unlock_needs_a_reason_and_uses_the_registrations_unlock(bank: Bank) -> None:
    phone = bank.assist_phone
    short = expect_code(
        phone.unlock(agent=PAULA, cedula_or_ruc=JORGE_CEDULA, reason="  llamó   "),
        "reason_required",
    )
    assert short.data["min_length"] == 10
    reason = "Verificado por teléfono: preguntas de seguridad correctas"
    unlocked = expect_code(
        phone.unlock(agent=PAULA, cedula_or_ruc=JORGE_CEDULA, reason=reason), "unlocked"
    )
    assert unlocked.data == {"identity_masked": "09******37"}
    expect_code(phone.unlock(agent=PAULA, cedula_or_ruc=JORGE_CEDULA, reason=reason), "not_locked")
    expect_code(phone.unlock(agent=PAULA, cedula_or_ruc="123", reason=reason), "invalid_identity")
    to_pin(bank, CHAT, JORGE_CEDULA)  # no longer refused as locked
    rows = [r for r in audit_rows(bank) if r.action == "assist.unlock"]
    assert [r.details["result"] for r in rows] == [
        "reason_required",
        "unlocked",
        "not_locked",
        "invalid_identity",
    ]
    assert rows[1].details["reason"] == reason
    assert rows[1].actor == "agent:1005 Paula" and rows[1].subject == "09******37"
    (own,) = audit_rows(bank, "identity.unlocked")
    assert own.actor == "agent:1005 Paula" and own.details["reason"] == reason


def test_send_link_texts_the_mobile_on_file(bank: Bank) -> None:
    phone = bank.assist_phone
    sent = expect_code(
        phone.send_link(agent=PAULA, cedula_or_ruc=MARIA_CEDULA, journey="Registro"), "sent"
    )
    link = "https://t.me/ProdubancoAsistenteBot?start=registro"
    assert sent.data == {
        "identity_masked": "17******65",
        "journey": "registro",
        "mobile_masked": "09******67",
        "link": link,
    }
    (sms,) = read_outbox(bank.sessions, to=MARIA_MOBILE)
    assert link in sms.body and "Ningún asesor te pedirá" in sms.body
    # An additional user gets it on their own mobile; a child's link goes to the parent.
    expect_code(
        phone.send_link(
            agent=PAULA, cedula_or_ruc=f"{COMPANY_RUC}+{LUIS_CEDULA}", journey="registro"
        ),
        "sent",
    )
    assert len(read_outbox(bank.sessions, to=LUIS_MOBILE)) == 1
    child = expect_code(
        phone.send_link(agent=PAULA, cedula_or_ruc=ANDREA.cedula, journey="mini"), "sent"
    )
    assert child.data["mobile_masked"] == "09******66"
    assert CARLOS.mobile is not None
    (carlos_sms,) = read_outbox(bank.sessions, to=CARLOS.mobile)
    assert "start=mini" in carlos_sms.body


def test_send_link_refusals(bank: Bank) -> None:
    phone = bank.assist_phone
    bad = expect_code(
        phone.send_link(agent=PAULA, cedula_or_ruc=MARIA_CEDULA, journey="transferir"),
        "invalid_journey",
    )
    assert bad.data == {"allowed": ["entrar", "hijos", "mini", "registro"]}
    expect_code(
        phone.send_link(agent=PAULA, cedula_or_ruc=ANA.id_number, journey="registro"), "no_mobile"
    )
    expect_code(
        phone.send_link(agent=PAULA, cedula_or_ruc=COMPANY_RUC, journey="registro"), "no_mobile"
    )
    expect_code(
        phone.send_link(agent=PAULA, cedula_or_ruc=unknown_cedula(), journey="registro"), "unknown"
    )
    assert read_outbox(bank.sessions) == []
    results = [r.details.get("result") for r in audit_rows(bank) if r.action == "assist.send_link"]
    assert results == ["invalid_journey", "no_mobile", "no_mobile", "unknown"]


def test_the_bot_username_is_a_setting(bank: Bank) -> None:
    other = PhoneAssist(
        session_factory=bank.sessions,
        clock=bank.clock,
        refs=CustomerRefs(key=b"k" * 32),
        registration=bank.registration,
        sms=bank.sms,
        bot_username="OtroBot",
    )
    sent = other.send_link(agent=PAULA, cedula_or_ruc=MARIA_CEDULA, journey="hijos")
    assert sent.data["link"] == "https://t.me/OtroBot?start=hijos"


def test_lookups_are_audited_with_the_customer_ref(bank: Bank) -> None:
    bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=MARIA_CEDULA)
    bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc="1710034065001")  # her RUC: the same
    rows = [r for r in audit_rows(bank) if r.action == "assist.lookup"]
    assert [r.subject for r in rows] == ["17******65", "17******65"]
    assert rows[0].details["customer_ref"] == rows[1].details["customer_ref"]
    assert len(rows[0].details["customer_ref"]) == 32
    assert MARIA_CEDULA not in repr([(r.subject, r.details) for r in rows])
