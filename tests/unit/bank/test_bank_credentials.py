"""Username and password steps, security image, phones, challenge answers."""

from __future__ import annotations

from bank_helpers import PASSWORD, expect, to_username

from bank.bootstrap import Bank
from bank.registration import Step
from bank.validators import validate_username

SENDER = "tg:5001"


def test_username_policy_reasons(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    for text, reason in [
        ("maria", "too_short"),
        ("m" * 21, "too_long"),
        ("maría.jose", "bad_chars"),
        ("1710034065", "is_identity"),
    ]:
        refused = expect(reg.submit_username(sender_id=SENDER, text=text), "invalid", Step.USERNAME)
        assert refused.data == {"reason": reason}


def test_taken_username_gets_three_available_suggestions(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    taken = expect(reg.submit_username(sender_id=SENDER, text="cmora2019"), "taken", Step.USERNAME)
    suggestions = taken.data["suggestions"]
    assert isinstance(suggestions, list) and len(set(suggestions)) == 3
    for suggestion in suggestions:
        assert validate_username(suggestion, identities=["1710034065"]).ok
        assert suggestion.startswith(("mandrade", "mjandrade", "mariaa", "mariaandrade"))
    # A suggestion is indeed available.
    expect(reg.submit_username(sender_id=SENDER, text=suggestions[0]), "ok")


def test_username_confirmation_mismatch_goes_back(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    reg.submit_username(sender_id=SENDER, text="MariaJose24")
    expect(
        reg.submit_username_confirmation(sender_id=SENDER, text="MariaJose25"),
        "mismatch",
        Step.USERNAME,
    )


def test_password_policy_and_confirmation(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    reg.submit_username(sender_id=SENDER, text="mariajose24")
    reg.submit_username_confirmation(sender_id=SENDER, text="mariajose24")
    for password, reason in [
        ("abc12", "too_short"),
        ("a1" * 40, "too_long"),
        ("Centinela 7Qx", "not_alphanumeric"),
        ("Centinelaqxlm", "needs_letter_and_digit"),
        ("xMariaJose24x", "contains_username"),
        ("q1710034065", "contains_identity"),
        ("produbanco123", "common"),
    ]:
        refused = expect(reg.submit_password(sender_id=SENDER, password=password), "invalid")
        assert refused.data == {"reason": reason}, password
    expect(reg.submit_password(sender_id=SENDER, password=PASSWORD), "ok")
    expect(
        reg.submit_password_confirmation(sender_id=SENDER, password=PASSWORD.lower()),
        "mismatch",
        Step.PASSWORD,
    )
    reg.submit_password(sender_id=SENDER, password=PASSWORD)
    expect(
        reg.submit_password_confirmation(sender_id=SENDER, password=PASSWORD),
        "ok",
        Step.SECURITY_IMAGE,
    )


def test_image_phone_and_answer_reasons(bank: Bank) -> None:
    reg = bank.registration
    to_username(bank, SENDER)
    reg.submit_username(sender_id=SENDER, text="mariajose24")
    reg.submit_username_confirmation(sender_id=SENDER, text="mariajose24")
    reg.submit_password(sender_id=SENDER, password=PASSWORD)
    reg.submit_password_confirmation(sender_id=SENDER, password=PASSWORD)
    refused = expect(reg.submit_security_image(sender_id=SENDER, image_id="sec_cat"), "invalid")
    assert refused.data == {"reason": "unknown_image"}
    reg.submit_security_image(sender_id=SENDER, image_id="sec_tortoise")
    for text in ["12345", "", "mi casa"]:
        refused = expect(reg.submit_home_phone(sender_id=SENDER, text=text), "invalid")
        assert refused.data == {"reason": "phone_format"}
    reg.submit_home_phone(sender_id=SENDER, text="+593 2 234 5678")
    reg.submit_work_phone(sender_id=SENDER, text="(02) 234-5678")
    for answer in ["", "x" * 41, "Pérez 2"]:
        refused = expect(
            reg.submit_challenge_answer(sender_id=SENDER, question="first_name", answer=answer),
            "invalid",
            Step.CHALLENGE_FIRST_NAME,
        )
        assert refused.data == {"reason": "answer_format"}
