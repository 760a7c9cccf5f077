"""Drivers for bank tests: demo identities, SMS codes from the outbox, journeys up to a step."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

import pyotp
from stdnum.ec import ci

from bank.bootstrap import Bank
from bank.outbox import read_outbox
from bank.outcome import Outcome
from bank.registration import Step
from bank.settings import Settings

START = datetime(2026, 1, 15, 12, 0, 0)

MARIA_CEDULA = "1710034065"
MARIA_MOBILE = "+593991234567"
MARIA_PIN = "1234"
COMPANY_RUC = "1791234561001"
LUIS_CEDULA = "1704567898"
LUIS_MOBILE = "+593987654321"
LUIS_PIN = "5678"
CARLOS_CEDULA = "0912345675"
JORGE_CEDULA = "0928765437"
ANA_CEDULA = "1109876548"

PASSWORD = "Centinela7Qx9Lm"
ANSWERS = {
    "first_name": "Zorbatelmo",
    "mother_surname": "Quixbertalo",
    "father_surname": "Wyndrapolux",
}


def cheap_settings(database_url: str) -> Settings:
    """Settings with a random key and the cheapest argon2id cost (tests only)."""
    return Settings(
        database_url=database_url,
        secret_key=secrets.token_hex(32),
        argon2_time_cost=1,
        argon2_memory_kib=8,
        argon2_parallelism=1,
    )


def changed_settings(settings: Settings, **changes: object) -> Settings:
    """A copy of `settings` with `changes`, validated again (pydantic's model_copy is not)."""
    return Settings(**{**settings.model_dump(), **changes})


def unknown_cedula(prefix: str = "170999999") -> str:
    """A valid cédula that no demo customer has."""
    for digit in "0123456789":
        if ci.is_valid(prefix + digit):
            return prefix + digit
    raise AssertionError("no check digit found")


def latest_sms_code(bank: Bank, phone: str = MARIA_MOBILE) -> str:
    """The 6-digit code of the newest SMS to `phone`."""
    messages = read_outbox(bank.sessions, to=phone)
    assert messages, f"no SMS to {phone}"
    match = re.search(r"\b(\d{6})\b", messages[-1].body)
    assert match, messages[-1].body
    return match.group(1)


def expect(outcome: Outcome, code: str, step: Step | None = None) -> Outcome:
    """Assert the outcome's code (and step), showing the whole outcome when it differs."""
    assert outcome.code == code, outcome
    if step is not None:
        assert outcome.step == step, outcome
    return outcome


def to_pin(bank: Bank, sender: str, number: str = MARIA_CEDULA) -> None:
    """Start a journey and type a person's cédula or RUC."""
    reg = bank.registration
    reg.start(sender_id=sender)
    expect(reg.submit_identity_number(sender_id=sender, text=number), "ok", Step.PIN)


def to_contact(bank: Bank, sender: str, number: str = MARIA_CEDULA, pin: str = MARIA_PIN) -> None:
    """Journey verified by PIN, at the contact confirmation."""
    to_pin(bank, sender, number)
    expect(bank.registration.submit_pin(sender_id=sender, pin=pin), "ok", Step.CONTACT_CONFIRMATION)


def to_otp(bank: Bank, sender: str) -> None:
    """María's journey with a code sent."""
    to_contact(bank, sender)
    expect(bank.registration.request_otp(sender_id=sender), "sent", Step.OTP)


def to_username(bank: Bank, sender: str, phone: str = MARIA_MOBILE) -> None:
    """María's journey after the SMS code."""
    to_otp(bank, sender)
    code = latest_sms_code(bank, phone)
    expect(bank.registration.submit_otp(sender_id=sender, code=code), "ok", Step.USERNAME)


def from_username_to_finish(bank: Bank, sender: str, *, username: str, token: bool = False) -> None:
    """Answer every step from the username to `finish`."""
    reg = bank.registration
    expect(reg.submit_username(sender_id=sender, text=username), "ok", Step.USERNAME_CONFIRMATION)
    expect(reg.submit_username_confirmation(sender_id=sender, text=username.upper()), "ok")
    expect(reg.submit_password(sender_id=sender, password=PASSWORD), "ok")
    expect(reg.submit_password_confirmation(sender_id=sender, password=PASSWORD), "ok")
    expect(reg.submit_security_image(sender_id=sender, image_id="sec_condor"), "ok")
    expect(reg.submit_home_phone(sender_id=sender, text="02 234 5678"), "ok")
    expect(reg.submit_work_phone(sender_id=sender, text=None), "ok", Step.CHALLENGE_FIRST_NAME)
    for question, answer in ANSWERS.items():
        expect(
            reg.submit_challenge_answer(sender_id=sender, question=question, answer=answer), "ok"
        )
    expect(reg.submit_terms(sender_id=sender, accepted=True), "ok", Step.SMART_DEVICE)
    expect(reg.submit_smart_device(sender_id=sender, has_device=True), "ok", Step.SECOND_FACTOR)
    if not token:
        expect(reg.submit_second_factor(sender_id=sender, choice="later"), "ok", Step.FINISH)
        return
    expect(reg.submit_second_factor(sender_id=sender, choice="token"), "ok")
    expect(reg.submit_token_activation(sender_id=sender, now=True), "ok", Step.TOKEN_CODE)
    uri = reg.token_provisioning_uri(sender_id=sender)
    code = token_code(uri, bank.clock.now())
    expect(reg.submit_token_code(sender_id=sender, code=code), "ok", Step.FINISH)


def token_code(uri: str, now: datetime, offset: int = 0) -> str:
    """The TOTP code the app would show at `now` (naive UTC) for the provisioned URI."""
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP)
    return totp.at(now.replace(tzinfo=UTC), counter_offset=offset)
