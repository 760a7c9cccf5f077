"""Going back, cancelling, the 10-minute inactivity rule, and calls at the wrong step."""

from __future__ import annotations

import pytest
from bank_helpers import (
    ANSWERS,
    COMPANY_RUC,
    LUIS_CEDULA,
    PASSWORD,
    expect,
    to_contact,
    to_otp,
    to_pin,
    to_username,
)

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.registration import Step

SENDER = "tg:4001"


def _back(bank: Bank, expected: Step) -> None:
    expect(bank.registration.go_back(sender_id=SENDER), "ok", expected)
    assert bank.registration.current_step(sender_id=SENDER) == expected


def test_go_back_before_the_pin(bank: Bank) -> None:
    reg = bank.registration
    reg.start(sender_id=SENDER)
    expect(reg.go_back(sender_id=SENDER), "cannot_go_back", Step.IDENTITY_NUMBER)
    reg.submit_identity_number(sender_id=SENDER, text=COMPANY_RUC)
    reg.submit_additional_user(sender_id=SENDER, is_additional=True)
    reg.submit_additional_cedula(sender_id=SENDER, text=LUIS_CEDULA)
    _back(bank, Step.ADDITIONAL_CEDULA)
    _back(bank, Step.ADDITIONAL_USER_QUESTION)
    reg.submit_additional_user(sender_id=SENDER, is_additional=False)
    _back(bank, Step.ADDITIONAL_USER_QUESTION)
    _back(bank, Step.IDENTITY_NUMBER)
    reg.submit_identity_number(sender_id=SENDER, text="1710034065")
    _back(bank, Step.IDENTITY_NUMBER)


def test_go_back_around_the_contact_data_and_otp(bank: Bank) -> None:
    to_otp(bank, SENDER)
    _back(bank, Step.CONTACT_CONFIRMATION)
    _back(bank, Step.IDENTITY_NUMBER)
    # Back at the identity, the PIN must be proven again.
    expect(bank.registration.contact_summary(sender_id=SENDER), "wrong_step")
    to_contact(bank, SENDER)


def test_no_going_back_once_the_identity_is_verified(bank: Bank) -> None:
    to_username(bank, SENDER)
    expect(bank.registration.go_back(sender_id=SENDER), "cannot_go_back", Step.USERNAME)


def test_go_back_through_every_later_step(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    reg.submit_username(sender_id=SENDER, text="mariaback1")
    _back(bank, Step.USERNAME)
    reg.submit_username(sender_id=SENDER, text="mariaback1")
    reg.submit_username_confirmation(sender_id=SENDER, text="mariaback1")
    _back(bank, Step.USERNAME)
    reg.submit_username(sender_id=SENDER, text="mariaback1")
    reg.submit_username_confirmation(sender_id=SENDER, text="mariaback1")
    reg.submit_password(sender_id=SENDER, password=PASSWORD)
    _back(bank, Step.PASSWORD)
    reg.submit_password(sender_id=SENDER, password=PASSWORD)
    reg.submit_password_confirmation(sender_id=SENDER, password=PASSWORD)
    _back(bank, Step.PASSWORD)
    # Forgotten: the confirmation cannot match a password that is no longer stored.
    reg.submit_password(sender_id=SENDER, password=PASSWORD)
    reg.submit_password_confirmation(sender_id=SENDER, password=PASSWORD)
    reg.submit_security_image(sender_id=SENDER, image_id="sec_sea")
    _back(bank, Step.SECURITY_IMAGE)
    reg.submit_security_image(sender_id=SENDER, image_id="sec_sea")
    reg.submit_home_phone(sender_id=SENDER, text=None)
    _back(bank, Step.HOME_PHONE)
    reg.submit_home_phone(sender_id=SENDER, text=None)
    reg.submit_work_phone(sender_id=SENDER, text=None)
    _back(bank, Step.WORK_PHONE)
    reg.submit_work_phone(sender_id=SENDER, text=None)
    steps = [
        Step.CHALLENGE_FIRST_NAME,
        Step.CHALLENGE_MOTHER_SURNAME,
        Step.CHALLENGE_FATHER_SURNAME,
    ]
    for question, answer in ANSWERS.items():
        reg.submit_challenge_answer(sender_id=SENDER, question=question, answer=answer)
    _back(bank, steps[2])
    _back(bank, steps[1])
    _back(bank, steps[0])
    _back(bank, Step.WORK_PHONE)
    reg.submit_work_phone(sender_id=SENDER, text=None)
    for question, answer in ANSWERS.items():
        reg.submit_challenge_answer(sender_id=SENDER, question=question, answer=answer)
    reg.submit_terms(sender_id=SENDER, accepted=True)
    _back(bank, Step.TERMS)
    reg.submit_terms(sender_id=SENDER, accepted=True)
    reg.submit_smart_device(sender_id=SENDER, has_device=True)
    _back(bank, Step.SMART_DEVICE)
    reg.submit_smart_device(sender_id=SENDER, has_device=False)
    _back(bank, Step.SMART_DEVICE)  # from finish, back where it came from
    reg.submit_smart_device(sender_id=SENDER, has_device=True)
    reg.submit_second_factor(sender_id=SENDER, choice="token")
    _back(bank, Step.SECOND_FACTOR)
    reg.submit_second_factor(sender_id=SENDER, choice="token")
    reg.submit_token_activation(sender_id=SENDER, now=True)
    _back(bank, Step.TOKEN_ACTIVATION)
    assert reg.token_provisioning_uri(sender_id=SENDER) == ""
    reg.submit_token_activation(sender_id=SENDER, now=False)
    _back(bank, Step.TOKEN_ACTIVATION)
    reg.submit_token_activation(sender_id=SENDER, now=False)
    expect(reg.complete(sender_id=SENDER), "completed")
    expect(reg.go_back(sender_id=SENDER), "cannot_go_back", Step.COMPLETED)


def test_challenge_question_must_match_the_step(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    expect(
        reg.submit_challenge_answer(sender_id=SENDER, question="first_name", answer="x"),
        "wrong_step",
        Step.USERNAME,
    )
    with pytest.raises(ValueError):
        reg.submit_challenge_answer(sender_id=SENDER, question="pet", answer="x")


def test_cancel(bank: Bank) -> None:
    reg = bank.registration
    expect(reg.cancel(sender_id=SENDER), "none", Step.ENDED)
    to_otp(bank, SENDER)
    expect(reg.cancel(sender_id=SENDER), "cancelled", Step.CANCELLED)
    assert reg.current_step(sender_id=SENDER) == Step.CANCELLED
    expect(reg.cancel(sender_id=SENDER), "none", Step.CANCELLED)
    expect(reg.submit_otp(sender_id=SENDER, code="123456"), "wrong_step", Step.CANCELLED)
    expect(reg.touch(sender_id=SENDER), "none")
    # A new journey starts from the beginning.
    expect(reg.start(sender_id=SENDER), "started", Step.IDENTITY_NUMBER)


def test_start_resumes_an_active_journey(bank: Bank) -> None:
    reg = bank.registration
    assert reg.current_step(sender_id=SENDER) is None
    to_pin(bank, SENDER)
    expect(reg.start(sender_id=SENDER), "resumed", Step.PIN)


def test_inactivity_restarts_from_the_identity(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    clock.advance(minutes=9, seconds=59)
    expect(reg.touch(sender_id=SENDER), "active", Step.USERNAME)
    clock.advance(minutes=9, seconds=59)
    expect(reg.submit_username(sender_id=SENDER, text="mariaidle1"), "ok")
    clock.advance(minutes=10)
    assert reg.current_step(sender_id=SENDER) == Step.IDENTITY_NUMBER
    expect(reg.touch(sender_id=SENDER), "restarted_inactive", Step.IDENTITY_NUMBER)
    expect(reg.touch(sender_id=SENDER), "active", Step.IDENTITY_NUMBER)
    # Everything typed before is forgotten: the PIN is asked again.
    expect(reg.contact_summary(sender_id=SENDER), "wrong_step")
    to_contact(bank, SENDER)


def test_idle_submission_is_not_accepted(bank: Bank, clock: FixedClock) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    clock.advance(minutes=11)
    expect(
        reg.submit_username(sender_id=SENDER, text="mariaidle2"),
        "restarted_inactive",
        Step.IDENTITY_NUMBER,
    )


def test_idle_start_restarts(bank: Bank, clock: FixedClock) -> None:
    to_pin(bank, SENDER)
    clock.advance(minutes=10)
    expect(bank.registration.start(sender_id=SENDER), "restarted_inactive", Step.IDENTITY_NUMBER)
    # At the first step an idle journey just takes the number.
    clock.advance(minutes=10)
    expect(bank.registration.submit_identity_number(sender_id=SENDER, text="1710034065"), "ok")


def test_wrong_step_changes_nothing(bank: Bank) -> None:
    reg = bank.registration
    expect(reg.submit_pin(sender_id=SENDER, pin="1234"), "wrong_step", Step.ENDED)
    to_pin(bank, SENDER)
    expect(reg.submit_username(sender_id=SENDER, text="mariajose"), "wrong_step", Step.PIN)
    expect(reg.request_otp(sender_id=SENDER), "wrong_step", Step.PIN)
    expect(reg.complete(sender_id=SENDER), "wrong_step", Step.PIN)
    expect(reg.submit_pin(sender_id=SENDER, pin="1234"), "ok")


def test_senders_are_independent(bank: Bank) -> None:
    to_pin(bank, "tg:a")
    to_contact(bank, "tg:b", number="1710034065001")
    assert bank.registration.current_step(sender_id="tg:a") == Step.PIN
    assert bank.registration.current_step(sender_id="tg:b") == Step.CONTACT_CONFIRMATION
