"""Whole registrations: María José (cédula) and Luis Fernando (company RUC + additional user)."""

from __future__ import annotations

import json

from bank_helpers import (
    ANSWERS,
    COMPANY_RUC,
    LUIS_CEDULA,
    LUIS_MOBILE,
    LUIS_PIN,
    MARIA_MOBILE,
    PASSWORD,
    expect,
    from_username_to_finish,
    latest_sms_code,
    to_username,
    token_code,
)
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.models import AuditEntry, Customer, Journey, OnlineUser, OtpChallenge, OutboxMessage
from bank.outbox import read_outbox
from bank.registration import Step

SENDER = "tg:1001"


def _online_user(bank: Bank, username_key: str) -> OnlineUser | None:
    with unit_of_work(bank.sessions) as session:
        return session.scalar(select(OnlineUser).where(OnlineUser.username_key == username_key))


def test_maria_jose_whole_registration_with_token(bank: Bank) -> None:
    reg = bank.registration
    expect(reg.start(sender_id=SENDER), "started", Step.IDENTITY_NUMBER)
    assert reg.current_step(sender_id=SENDER) == Step.IDENTITY_NUMBER
    expect(reg.submit_identity_number(sender_id=SENDER, text="171003406-5"), "ok", Step.PIN)
    expect(reg.submit_pin(sender_id=SENDER, pin="1234"), "ok", Step.CONTACT_CONFIRMATION)
    summary = expect(reg.contact_summary(sender_id=SENDER), "ok")
    assert summary.data == {"mobile_masked": "09******67", "email_masked": "ma*****@example.com"}
    sent = expect(reg.request_otp(sender_id=SENDER), "sent", Step.OTP)
    assert sent.data == {"mobile_masked": "09******67", "minutes": 5}
    sms = read_outbox(bank.sessions, to="0991234567")[-1]
    assert sms.channel == "sms" and sms.recipient == MARIA_MOBILE
    assert sms.body.startswith("Produbanco: tu clave de seguridad temporal es ")
    code = latest_sms_code(bank)
    expect(reg.submit_otp(sender_id=SENDER, code=f"{code[:3]} {code[3:]}"), "ok", Step.USERNAME)

    username = expect(reg.submit_username(sender_id=SENDER, text="MariaJose24"), "ok")
    assert username.data == {"username": "MariaJose24"}
    expect(reg.submit_username_confirmation(sender_id=SENDER, text="mariajose24"), "ok")
    expect(reg.submit_password(sender_id=SENDER, password=PASSWORD), "ok")
    expect(reg.submit_password_confirmation(sender_id=SENDER, password=PASSWORD), "ok")
    images = reg.security_images()
    assert len(images) >= 9 and ("sec_condor", "Cóndor") in images
    expect(reg.submit_security_image(sender_id=SENDER, image_id="sec_condor"), "ok")
    assert reg.contact_summary(sender_id=SENDER).data["email_masked"] == "ma*****@example.com"
    expect(reg.submit_home_phone(sender_id=SENDER, text="02 234 5678"), "ok", Step.WORK_PHONE)
    expect(reg.submit_work_phone(sender_id=SENDER, text=None), "ok", Step.CHALLENGE_FIRST_NAME)
    for question, answer in ANSWERS.items():
        expect(
            reg.submit_challenge_answer(sender_id=SENDER, question=question, answer=answer), "ok"
        )
    expect(reg.submit_terms(sender_id=SENDER, accepted=True), "ok", Step.SMART_DEVICE)
    expect(reg.submit_smart_device(sender_id=SENDER, has_device=True), "ok", Step.SECOND_FACTOR)
    expect(reg.submit_second_factor(sender_id=SENDER, choice="token"), "ok", Step.TOKEN_ACTIVATION)
    expect(reg.submit_token_activation(sender_id=SENDER, now=True), "ok", Step.TOKEN_CODE)
    uri = reg.token_provisioning_uri(sender_id=SENDER)
    assert uri.startswith("otpauth://totp/Produbanco:MariaJose24?secret=")
    assert "issuer=Produbanco" in uri
    expect(reg.submit_token_code(sender_id=SENDER, code=token_code(uri, bank.clock.now())), "ok")
    assert reg.current_step(sender_id=SENDER) == Step.FINISH

    done = expect(reg.complete(sender_id=SENDER), "completed", Step.COMPLETED)
    assert done.data == {
        "username": "MariaJose24",
        "email_masked": "ma*****@example.com",
        "token_active": True,
    }
    assert reg.current_step(sender_id=SENDER) == Step.COMPLETED

    user = _online_user(bank, "mariajose24")
    assert user is not None
    assert user.username == "MariaJose24"
    assert user.password_hash.startswith("pep1$$argon2id$")
    assert bank.hasher.verify(user.password_hash, PASSWORD)
    assert bank.hasher.verify(user.challenge_first_name_hash, "zorbatelmo")
    assert user.security_image == "sec_condor"
    assert (user.home_phone, user.work_phone) == ("+59322345678", None)
    assert user.second_factor == "token" and user.totp_secret_encrypted
    assert user.totp_last_timestep is not None

    mail = read_outbox(bank.sessions, to="maria.andrade@example.com")[-1]
    assert mail.channel == "email" and "MariaJose24" in mail.body and "1700 123 123" in mail.body
    assert PASSWORD not in mail.body


def test_luis_fernando_as_additional_user_of_the_company(bank: Bank) -> None:
    reg = bank.registration
    reg.start(sender_id=SENDER)
    expect(
        reg.submit_identity_number(sender_id=SENDER, text="1791234561-001"),
        "ok",
        Step.ADDITIONAL_USER_QUESTION,
    )
    expect(reg.submit_additional_user(sender_id=SENDER, is_additional=True), "ok")
    assert reg.current_step(sender_id=SENDER) == Step.ADDITIONAL_CEDULA
    expect(reg.submit_additional_cedula(sender_id=SENDER, text="170456789-8"), "ok", Step.PIN)
    expect(reg.submit_pin(sender_id=SENDER, pin=LUIS_PIN), "ok", Step.CONTACT_CONFIRMATION)
    assert reg.contact_summary(sender_id=SENDER).data == {
        "mobile_masked": "09******21",
        "email_masked": "lu*****@example.com",
    }
    expect(reg.request_otp(sender_id=SENDER), "sent")
    code = latest_sms_code(bank, LUIS_MOBILE)
    expect(reg.submit_otp(sender_id=SENDER, code=code), "ok", Step.USERNAME)
    from_username_to_finish(bank, SENDER, username="lparedes01")
    done = expect(reg.complete(sender_id=SENDER), "completed")
    assert done.data["token_active"] is False

    user = _online_user(bank, "lparedes01")
    assert user is not None and user.additional_user_id is not None
    assert user.second_factor == "pending" and user.totp_secret_encrypted is None
    with unit_of_work(bank.sessions) as session:
        company = session.scalar(select(Customer).where(Customer.id_number == COMPANY_RUC))
        assert company is not None and user.customer_id == company.id
        # The OTP and its audit are keyed by the company RUC plus the cédula.
        challenge = session.scalar(select(OtpChallenge))
        assert challenge is not None
        assert challenge.identity_key == f"{COMPANY_RUC}+{LUIS_CEDULA}"
    mail = read_outbox(bank.sessions, to="luis.paredes@example.com")[-1]
    assert "lparedes01" in mail.body and "Segundo Factor de Seguridad" in mail.body

    # The same person, again: already registered.
    other = "tg:1002"
    reg.start(sender_id=other)
    reg.submit_identity_number(sender_id=other, text=COMPANY_RUC)
    reg.submit_additional_user(sender_id=other, is_additional=True)
    reg.submit_additional_cedula(sender_id=other, text=LUIS_CEDULA)
    expect(reg.submit_pin(sender_id=other, pin=LUIS_PIN), "already_registered", Step.ENDED)


def test_no_device_finishes_with_second_factor_pending(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    reg.submit_username(sender_id=SENDER, text="mjandrade7")
    reg.submit_username_confirmation(sender_id=SENDER, text="mjandrade7")
    reg.submit_password(sender_id=SENDER, password=PASSWORD)
    reg.submit_password_confirmation(sender_id=SENDER, password=PASSWORD)
    reg.submit_security_image(sender_id=SENDER, image_id="sec_sun")
    reg.submit_home_phone(sender_id=SENDER, text=None)
    reg.submit_work_phone(sender_id=SENDER, text="099 123 4567")
    for question, answer in ANSWERS.items():
        reg.submit_challenge_answer(sender_id=SENDER, question=question, answer=answer)
    expect(reg.submit_terms(sender_id=SENDER, accepted=False), "must_accept", Step.TERMS)
    reg.submit_terms(sender_id=SENDER, accepted=True)
    expect(reg.submit_smart_device(sender_id=SENDER, has_device=False), "no_device", Step.FINISH)
    assert expect(reg.complete(sender_id=SENDER), "completed").data["token_active"] is False
    user = _online_user(bank, "mjandrade7")
    assert user is not None and user.second_factor == "pending" and user.home_phone is None


def test_token_later_at_activation(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    from_username_to_finish(bank, SENDER, username="mariatoken1")
    # Back from finish (chose "later" at second_factor) to second_factor, then token, then later.
    expect(reg.go_back(sender_id=SENDER), "ok", Step.SECOND_FACTOR)
    reg.submit_second_factor(sender_id=SENDER, choice="token")
    expect(reg.submit_token_activation(sender_id=SENDER, now=False), "ok", Step.FINISH)
    assert reg.token_provisioning_uri(sender_id=SENDER) == ""
    assert expect(reg.complete(sender_id=SENDER), "completed").data["token_active"] is False


def test_token_code_wrong_and_reused(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    from_username_to_finish(bank, SENDER, username="mariatoken2", token=True)
    # Back to the code step with the same secret: the accepted code cannot be used again,
    # nor the previous timestep's.
    expect(reg.go_back(sender_id=SENDER), "ok", Step.TOKEN_CODE)
    uri = reg.token_provisioning_uri(sender_id=SENDER)
    now = bank.clock.now()
    expect(reg.submit_token_code(sender_id=SENDER, code=token_code(uri, now)), "reused")
    expect(reg.submit_token_code(sender_id=SENDER, code=token_code(uri, now, -1)), "reused")
    expect(reg.submit_token_code(sender_id=SENDER, code="12 34"), "invalid")
    wrong = "000000" if token_code(uri, now, 1) != "000000" else "111111"
    expect(reg.submit_token_code(sender_id=SENDER, code=wrong), "wrong", Step.TOKEN_CODE)
    # The next timestep (within the window of one) is accepted.
    expect(reg.submit_token_code(sender_id=SENDER, code=token_code(uri, now, 1)), "ok")


def test_journey_data_and_audit_hold_no_secrets(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    from_username_to_finish(bank, SENDER, username="mariasecure", token=True)
    reg.complete(sender_id=SENDER)
    with unit_of_work(bank.sessions) as session:
        dumped = json.dumps(
            [j.data for j in session.scalars(select(Journey))]
            + [
                [a.actor, a.action, a.subject, a.details]
                for a in session.scalars(select(AuditEntry))
            ]
            + [m.body for m in session.scalars(select(OutboxMessage)) if m.channel == "email"],
            ensure_ascii=False,
        ).lower()
        actions = {a.action for a in session.scalars(select(AuditEntry))}
    for secret in [PASSWORD.lower(), "1234", *[a.lower() for a in ANSWERS.values()]]:
        assert secret not in dumped
    assert {
        "registration.started",
        "identity.verified",
        "otp.issued",
        "otp.verified",
        "token.verified",
        "registration.completed",
    } <= actions
