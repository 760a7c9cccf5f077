"""complete(): the online user exists only after it, atomically; the username race."""

from __future__ import annotations

import threading

import pytest
from bank_helpers import (
    COMPANY_RUC,
    LUIS_CEDULA,
    LUIS_MOBILE,
    LUIS_PIN,
    PASSWORD,
    expect,
    from_username_to_finish,
    latest_sms_code,
    to_username,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.crypto import SecretCipher
from bank.db import unit_of_work
from bank.identity import CustomerRefs
from bank.models import Journey, OnlineUser, OutboxMessage
from bank.otp import OtpIssuer
from bank.registration import RegistrationService, Step, completion
from bank.registration.context import Services

MARIA = "tg:6001"
LUIS = "tg:6002"


def _count(bank: Bank, model: type[OnlineUser] | type[OutboxMessage]) -> int:
    with unit_of_work(bank.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _luis_to_username(bank: Bank, sender: str = LUIS) -> None:
    reg = bank.registration
    reg.start(sender_id=sender)
    reg.submit_identity_number(sender_id=sender, text=COMPANY_RUC)
    reg.submit_additional_user(sender_id=sender, is_additional=True)
    reg.submit_additional_cedula(sender_id=sender, text=LUIS_CEDULA)
    reg.submit_pin(sender_id=sender, pin=LUIS_PIN)
    reg.request_otp(sender_id=sender)
    expect(reg.submit_otp(sender_id=sender, code=latest_sms_code(bank, LUIS_MOBILE)), "ok")


def test_no_online_user_before_complete(bank: Bank) -> None:
    before = _count(bank, OnlineUser)
    to_username(bank, MARIA)
    from_username_to_finish(bank, MARIA, username="mariafinal")
    assert _count(bank, OnlineUser) == before
    expect(bank.registration.complete(sender_id=MARIA), "completed")
    assert _count(bank, OnlineUser) == before + 1
    expect(bank.registration.complete(sender_id=MARIA), "wrong_step", Step.COMPLETED)
    assert _count(bank, OnlineUser) == before + 1


def test_failure_while_completing_leaves_nothing_behind(bank: Bank) -> None:
    class BrokenMail:
        def send_mail(self, to: str, subject: str, body: str) -> None:
            raise RuntimeError("mail server down")

    def broken_mail(session: Session) -> BrokenMail:
        return BrokenMail()

    services = Services(
        hasher=bank.hasher,
        otp=OtpIssuer(key=bank.settings.subkey("otp-hmac")),
        token_cipher=SecretCipher(bank.settings.subkey("totp-secret")),
        sms=bank.sms,
        mail=broken_mail,
        refs=CustomerRefs(key=bank.settings.subkey("assist-customer-ref")),
    )
    broken = RegistrationService(session_factory=bank.sessions, clock=bank.clock, services=services)
    to_username(bank, MARIA)
    from_username_to_finish(bank, MARIA, username="mariaatomic")
    users, messages = _count(bank, OnlineUser), _count(bank, OutboxMessage)
    with pytest.raises(RuntimeError):
        broken.complete(sender_id=MARIA)
    assert (_count(bank, OnlineUser), _count(bank, OutboxMessage)) == (users, messages)
    assert bank.registration.current_step(sender_id=MARIA) == Step.FINISH
    expect(bank.registration.complete(sender_id=MARIA), "completed")


def _both_at_finish_with(bank: Bank, username: str) -> None:
    to_username(bank, MARIA)
    from_username_to_finish(bank, MARIA, username=username)
    _luis_to_username(bank)
    from_username_to_finish(bank, LUIS, username=username.upper())


def test_username_taken_meanwhile(bank: Bank) -> None:
    reg = bank.registration
    _both_at_finish_with(bank, "racer2026")
    expect(reg.complete(sender_id=MARIA), "completed")
    expect(reg.complete(sender_id=LUIS), "username_taken", Step.USERNAME)
    # Only the username and the password (which may not contain it) are asked again.
    expect(reg.submit_username(sender_id=LUIS, text="racer2026"), "taken")
    reg.submit_username(sender_id=LUIS, text="lfparedes9")
    reg.submit_username_confirmation(sender_id=LUIS, text="lfparedes9")
    reg.submit_password(sender_id=LUIS, password=PASSWORD)
    expect(reg.submit_password_confirmation(sender_id=LUIS, password=PASSWORD), "ok", Step.FINISH)
    done = expect(reg.complete(sender_id=LUIS), "completed")
    assert done.data["username"] == "lfparedes9"
    with unit_of_work(bank.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username_key == "lfparedes9"))
        assert user is not None and user.security_image == "sec_condor"


def test_unique_index_decides_a_true_race(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = bank.registration
    _both_at_finish_with(bank, "racer2027")
    expect(reg.complete(sender_id=MARIA), "completed")
    # As if both checked availability before either inserted: the unique index refuses Luis.
    monkeypatch.setattr(completion, "username_taken", lambda session, username: False)
    expect(reg.complete(sender_id=LUIS), "username_taken", Step.USERNAME)
    with unit_of_work(bank.sessions) as session:
        journey = session.scalar(select(Journey).where(Journey.sender_id == LUIS))
        assert journey is not None and journey.status == "active"


def test_same_customer_twice_is_already_registered(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_username(bank, MARIA)
    from_username_to_finish(bank, MARIA, username="mariatwice1")
    # A second chat of the same person reaches the same point (codes 60 s apart).
    clock.advance(seconds=60)
    to_username(bank, "tg:6003")
    from_username_to_finish(bank, "tg:6003", username="mariatwice2")
    expect(reg.complete(sender_id=MARIA), "completed")
    expect(reg.complete(sender_id="tg:6003"), "already_registered", Step.ENDED)


def test_concurrent_completion_on_a_file_database(file_bank: Bank) -> None:
    _both_at_finish_with(file_bank, "racer2028")
    barrier = threading.Barrier(2)
    codes: dict[str, str] = {}

    def finish(sender: str) -> None:
        barrier.wait()
        codes[sender] = file_bank.registration.complete(sender_id=sender).code

    threads = [threading.Thread(target=finish, args=(s,)) for s in (MARIA, LUIS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes.values()) == ["completed", "username_taken"], codes
    assert _count(file_bank, OnlineUser) == 2  # Carlos (demo) and the winner
