"""SMS codes: 5-minute life, single use (also under a race), 5 wrong entries, send limits."""

from __future__ import annotations

import threading

from bank_helpers import MARIA_MOBILE, expect, latest_sms_code, to_contact, to_otp
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.models import AuditEntry, OtpChallenge
from bank.otp import OtpIssuer
from bank.outbox import read_outbox
from bank.registration import Step

SENDER = "tg:2001"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _challenges(bank: Bank) -> list[OtpChallenge]:
    with unit_of_work(bank.sessions) as session:
        return list(session.scalars(select(OtpChallenge).order_by(OtpChallenge.id)))


def test_code_is_six_digits_stored_only_as_keyed_hash(bank: Bank) -> None:
    to_otp(bank, SENDER)
    code = latest_sms_code(bank)
    (challenge,) = _challenges(bank)
    assert len(code) == 6 and code.isdigit()
    assert code not in challenge.code_hash and len(challenge.code_hash) == 64
    assert (challenge.expires_at - challenge.created_at).total_seconds() == 300


def test_code_expires_after_five_minutes(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_otp(bank, SENDER)
    code = latest_sms_code(bank)
    clock.advance(minutes=4)
    reg.touch(sender_id=SENDER)  # the customer is still chatting
    clock.advance(minutes=1)
    expect(reg.submit_otp(sender_id=SENDER, code=code), "expired", Step.OTP)


def test_code_valid_just_before_expiry(bank: Bank, clock: FixedClock) -> None:
    to_otp(bank, SENDER)
    clock.advance(minutes=4, seconds=59)
    expect(bank.registration.submit_otp(sender_id=SENDER, code=latest_sms_code(bank)), "ok")


def test_code_works_once(bank: Bank) -> None:
    reg = bank.registration
    to_otp(bank, SENDER)
    code = latest_sms_code(bank)
    expect(reg.submit_otp(sender_id=SENDER, code=code), "ok", Step.USERNAME)
    expect(reg.submit_otp(sender_id=SENDER, code=code), "wrong_step", Step.USERNAME)
    # Even if the journey came back to the OTP step, the consumed code is gone.
    with unit_of_work(bank.sessions) as session:
        issuer = OtpIssuer(key=bank.settings.subkey("otp-hmac"))
        (challenge,) = session.scalars(select(OtpChallenge))
        check = issuer.verify(
            session,
            journey_id=challenge.journey_id,
            identity_key=challenge.identity_key,
            code=code,
            now=bank.clock.now(),
        )
    assert check.code == "no_active_code"


def test_race_between_two_verifications_has_one_winner(file_bank: Bank, clock: FixedClock) -> None:
    reg = file_bank.registration
    for round_number in range(3):
        sender = f"tg:race{round_number}"
        to_otp(file_bank, sender)
        code = latest_sms_code(file_bank)
        barrier = threading.Barrier(2)
        codes: list[str] = []

        def verify(sender: str = sender, code: str = code) -> None:
            barrier.wait()
            codes.append(reg.submit_otp(sender_id=sender, code=code).code)

        threads = [threading.Thread(target=verify) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(codes) == ["ok", "wrong_step"], codes
        consumed = [c for c in _challenges(file_bank) if c.consumed_at is not None]
        assert len(consumed) == round_number + 1
        reg.cancel(sender_id=sender)
        clock.advance(minutes=31)


def test_five_wrong_entries_exhaust_the_code(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_otp(bank, SENDER)
    code = latest_sms_code(bank)
    for left in (4, 3, 2, 1):
        outcome = expect(reg.submit_otp(sender_id=SENDER, code=_wrong(code)), "wrong")
        assert outcome.data == {"attempts_left": left}
    expect(reg.submit_otp(sender_id=SENDER, code=_wrong(code)), "attempts_exhausted")
    # Not even the right code works now, and no new code for 30 minutes.
    expect(reg.submit_otp(sender_id=SENDER, code=code), "attempts_exhausted")
    clock.advance(minutes=5)
    reg.touch(sender_id=SENDER)
    expect(reg.request_otp(sender_id=SENDER), "attempts_exhausted")
    with unit_of_work(bank.sessions) as session:
        actions = [a.action for a in session.scalars(select(AuditEntry))]
    assert actions.count("otp.failed") == 5 and actions.count("otp.locked") == 1


def test_new_code_after_the_block(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_otp(bank, SENDER)
    code = latest_sms_code(bank)
    for _ in range(5):
        reg.submit_otp(sender_id=SENDER, code=_wrong(code))
    clock.advance(minutes=30)
    # The journey was idle for 30 minutes: it starts over, and a new code can be sent.
    expect(reg.touch(sender_id=SENDER), "restarted_inactive")
    reg.cancel(sender_id=SENDER)
    to_otp(bank, "tg:2002")
    outcome = reg.submit_otp(sender_id="tg:2002", code=_wrong(latest_sms_code(bank)))
    assert outcome.data == {"attempts_left": 4}


def test_new_code_invalidates_the_old_and_keeps_the_wrong_count(
    bank: Bank, clock: FixedClock
) -> None:
    reg = bank.registration
    to_otp(bank, SENDER)
    first = latest_sms_code(bank)
    reg.submit_otp(sender_id=SENDER, code=_wrong(first))
    reg.submit_otp(sender_id=SENDER, code=_wrong(first))
    clock.advance(seconds=60)
    expect(reg.request_otp(sender_id=SENDER), "sent", Step.OTP)
    second = latest_sms_code(bank)
    old, new = _challenges(bank)
    assert old.invalidated_at is not None and new.wrong_attempts == 2
    if first != second:
        expect(reg.submit_otp(sender_id=SENDER, code=first), "wrong")  # the old code is dead
        left = 1
    else:
        left = 2
    outcome = expect(reg.submit_otp(sender_id=SENDER, code=_wrong(second)), "wrong")
    assert outcome.data == {"attempts_left": left}
    expect(reg.submit_otp(sender_id=SENDER, code=second), "ok")


def test_sixty_seconds_between_codes(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_otp(bank, SENDER)
    clock.advance(seconds=15)
    outcome = expect(reg.request_otp(sender_id=SENDER), "too_soon", Step.OTP)
    assert outcome.data == {"seconds": 45}
    clock.advance(seconds=44)
    assert reg.request_otp(sender_id=SENDER).data == {"seconds": 1}
    clock.advance(seconds=1)
    expect(reg.request_otp(sender_id=SENDER), "sent")
    assert len(read_outbox(bank.sessions, to=MARIA_MOBILE)) == 2


def test_three_codes_per_thirty_minutes(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_otp(bank, SENDER)
    for _ in range(2):
        clock.advance(minutes=2)
        expect(reg.request_otp(sender_id=SENDER), "sent")
    clock.advance(minutes=2)
    outcome = expect(reg.request_otp(sender_id=SENDER), "too_many_codes")
    assert outcome.data == {"minutes": 24}  # the first code was sent 6 minutes ago
    # Another chat for the same person does not get around it.
    reg.cancel(sender_id=SENDER)
    to_contact(bank, "tg:2003")
    expect(reg.request_otp(sender_id="tg:2003"), "too_many_codes", Step.CONTACT_CONFIRMATION)
    for _ in range(3):  # 24 minutes, chatting every 8 so the journey stays active
        clock.advance(minutes=8)
        reg.touch(sender_id="tg:2003")
    expect(reg.request_otp(sender_id="tg:2003"), "sent")


def test_format_and_missing_codes(bank: Bank) -> None:
    reg = bank.registration
    to_contact(bank, SENDER)
    expect(reg.submit_otp(sender_id=SENDER, code="123456"), "wrong_step")
    reg.request_otp(sender_id=SENDER)
    refused = expect(reg.submit_otp(sender_id=SENDER, code="12345"), "invalid")
    assert refused.data == {"reason": "otp_format"}
    reg.go_back(sender_id=SENDER)  # back to the contact data: the code survives
    reg.go_back(sender_id=SENDER)  # back to the identity: the code dies
    with unit_of_work(bank.sessions) as session:
        (challenge,) = session.scalars(select(OtpChallenge))
        assert challenge.invalidated_at is not None


def test_report_wrong_contact_keeps_the_journey(bank: Bank) -> None:
    to_contact(bank, SENDER)
    expect(
        bank.registration.report_wrong_contact(sender_id=SENDER), "ok", Step.CONTACT_CONFIRMATION
    )
