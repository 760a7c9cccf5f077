"""Every validation rule: valid inputs as people type them, and each reason code."""

from __future__ import annotations

import pytest

from bank.validators import (
    classify_identity_number,
    is_common_password,
    normalise_challenge_answer,
    validate_cedula,
    validate_otp_format,
    validate_password,
    validate_phone,
    validate_pin_format,
    validate_ruc,
    validate_username,
)

DEMO_CEDULAS = ["1710034065", "1704567898", "0912345675", "0928765437", "1109876548"]
DEMO_RUCS = ["1710034065001", "1791234561001"]


@pytest.mark.parametrize("number", DEMO_CEDULAS)
def test_demo_cedulas_are_valid(number: str) -> None:
    assert validate_cedula(number).value == number


@pytest.mark.parametrize("number", DEMO_RUCS)
def test_demo_rucs_are_valid(number: str) -> None:
    assert validate_ruc(number).value == number


@pytest.mark.parametrize(
    "typed", ["171003406-5", " 1710034065 ", "171 003 4065", "171.003.406-5", "1710-034-065"]
)
def test_cedula_accepts_separators_people_type(typed: str) -> None:
    assert validate_cedula(typed).value == "1710034065"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("17100340a5", "not_digits"),
        ("１７１００３４０６５", "not_digits"),  # full-width digits are not ASCII digits
        ("171003406", "length"),
        ("17100340655", "length"),
        ("1710034066", "check_digit"),
        ("9910034065", "check_digit"),  # no such province
    ],
)
def test_cedula_reasons(typed: str, reason: str) -> None:
    assert validate_cedula(typed).reason == reason


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("179123456100x", "not_digits"),
        ("17912345610", "length"),
        ("1791234562001", "check_digit"),
    ],
)
def test_ruc_reasons(typed: str, reason: str) -> None:
    assert validate_ruc(typed).reason == reason


@pytest.mark.parametrize(
    ("typed", "kind", "number"),
    [
        ("171003406-5", "cedula", "1710034065"),
        ("1710034065 001", "person_ruc", "1710034065001"),
        ("1791234561-001", "company_ruc", "1791234561001"),
    ],
)
def test_classify_identity_number(typed: str, kind: str, number: str) -> None:
    identity = classify_identity_number(typed)
    assert (identity.kind, identity.number) == (kind, number)
    assert identity.is_company == (kind == "company_ruc")
    assert identity.cedula == ("" if kind == "company_ruc" else "1710034065")


def test_public_entity_ruc_is_a_company() -> None:
    # Third digit 6: public entity (check digit at position 9 with its own weights).
    identity = classify_identity_number("1760001550001")
    assert identity.ok and identity.is_company


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("abc", "not_digits"),
        ("12345678901", "length"),
        ("1710034066", "check_digit"),
        ("1710034066001", "check_digit"),
    ],
)
def test_classify_reasons(typed: str, reason: str) -> None:
    assert classify_identity_number(typed).reason == reason


@pytest.mark.parametrize("pin", ["1234", " 0000 "])
def test_pin_format_ok(pin: str) -> None:
    assert validate_pin_format(pin).ok


@pytest.mark.parametrize("pin", ["", "123", "12345", "12a4", "12 34", "١٢٣٤"])
def test_pin_format_refused(pin: str) -> None:
    assert validate_pin_format(pin).reason == "pin_format"


@pytest.mark.parametrize("code", ["123456", "123 456", " 12 34 56 "])
def test_otp_format_ok(code: str) -> None:
    assert validate_otp_format(code).value == "123456"


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", "123-456"])
def test_otp_format_refused(code: str) -> None:
    assert validate_otp_format(code).reason == "otp_format"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("099 123 4567", "+593991234567"),
        ("0991234567", "+593991234567"),
        ("+593 99 123 4567", "+593991234567"),
        ("02 234 5678", "+59322345678"),
        ("(02) 234-5678", "+59322345678"),
        ("+593 2 234 5678", "+59322345678"),
    ],
)
def test_phone_ok(typed: str, e164: str) -> None:
    assert validate_phone(typed).value == e164


@pytest.mark.parametrize(
    "typed", ["", "abc", "12345", "099 123", "2345678", "+1 202 555 0123", "099123456789"]
)
def test_phone_refused(typed: str) -> None:
    assert validate_phone(typed).reason == "phone_format"


@pytest.mark.parametrize("name", ["mariaj", "MariaJose2024", "a1b2c3d4e5f6g7h8i9j0"])
def test_username_ok(name: str) -> None:
    assert validate_username(name, identities=["1710034065"]).ok


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("maria", "too_short"),
        ("", "too_short"),
        ("a" * 21, "too_long"),
        ("maría123", "bad_chars"),
        ("maria jose", "bad_chars"),
        ("maria_jose", "bad_chars"),
        ("1710034065", "is_identity"),
        ("1710034065001", "is_identity"),
    ],
)
def test_username_reasons(name: str, reason: str) -> None:
    assert validate_username(name, identities=["1710034065", "1710034065001"]).reason == reason


def test_password_ok() -> None:
    assert validate_password("Centinela7Qx9Lm", username="mariajose", identities=["1710034065"]).ok


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("abc123", "too_short"),
        ("a1" * 33, "too_long"),
        ("Centinela 7Qx", "not_alphanumeric"),
        ("Centinela7Qx!", "not_alphanumeric"),
        ("Contraseñ4xyz", "not_alphanumeric"),
        ("CentinelaQxLm", "needs_letter_and_digit"),
        ("1234567890", "needs_letter_and_digit"),
        ("xMARIAJOSE9", "contains_username"),
        ("ab1710034065", "contains_identity"),
        ("Produbanco123", "common"),
        ("PASSWORD123", "common"),
    ],
)
def test_password_reasons(password: str, reason: str) -> None:
    result = validate_password(password, username="mariajose", identities=["1710034065001"])
    assert result.reason == reason


def test_common_password_list_loaded_and_case_insensitive() -> None:
    assert is_common_password("produbanco1")
    assert is_common_password("PRODUBANCO1")
    assert not is_common_password("Centinela7Qx9Lm")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("María José", "maria jose"),
        ("  PÉREZ   de   la  Torre ", "perez de la torre"),
        ("Ñañez", "nanez"),
    ],
)
def test_challenge_answer_normalised(typed: str, normalised: str) -> None:
    assert normalise_challenge_answer(typed).value == normalised


@pytest.mark.parametrize("typed", ["", "   ", "a" * 41, "Perez2", "O'Brien", "¿quién?"])
def test_challenge_answer_refused(typed: str) -> None:
    assert normalise_challenge_answer(typed).reason == "answer_format"
