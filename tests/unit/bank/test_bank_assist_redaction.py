"""The transcript redactor: a pure function that hides whatever could be a secret."""

from __future__ import annotations

import random
import re

import pytest

from bank.chat_redaction import (
    MAX_LINE_CHARS,
    NUMBER_MARKER,
    SECRET_MARKER,
    WORD_MARKER,
    looks_like_password,
    looks_like_secret,
    redact_chat_text,
    redact_line,
)

FOUR_DIGITS = re.compile(r"\d{4}")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("1234", "1234"),  # a PIN
        ("mi pin es 5678", "5678"),
        ("1 2 3 4", "1 2 3 4"),  # a PIN typed with spaces
        ("el código es 483920", "483920"),  # an SMS code
        ("483 920", "483 920"),
        ("mi cédula: 1710034065", "1710034065"),
        ("17-100-340-65", "17-100-340-65"),
        ("1710034065001", "1710034065001"),  # a RUC
        ("0991234567", "0991234567"),  # a mobile
        ("099 123 4567", "099 123 4567"),
        ("+593 99 123 4567", "593 99 123 4567"),
        ("código de activación 104 552", "104 552"),
        ("12.34", "12.34"),
    ],
)
def test_digit_runs_of_four_or_more_are_hidden(text: str, secret: str) -> None:
    redacted = redact_chat_text(text)
    assert secret not in redacted
    assert NUMBER_MARKER in redacted
    assert not FOUR_DIGITS.search(redacted.replace(" ", ""))


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Centinela7Qx9Lm", "Centinela7Qx9Lm"),
        ("mi clave es Quito2024seguro", "Quito2024seguro"),
        ("¿es abc123def?", "abc123def"),
        ("usuario CMORA2019", "CMORA2019"),
        ("x9y8z7", "x9y8z7"),
        ("ñandú1a", "ñandú1a"),
    ],
)
def test_words_mixing_letters_and_digits_are_hidden(text: str, secret: str) -> None:
    redacted = redact_chat_text(text)
    assert secret not in redacted
    assert WORD_MARKER in redacted


@pytest.mark.parametrize(
    "text",
    [
        "clave: perro",
        "password=gatito",
        "contraseña = 'mi perro'",
        "otpauth://totp/Produbanco:CMORA2019?secret=JBSWY3DPEHPK3PXP&issuer=Produbanco",
    ],
)
def test_key_value_secrets_and_provisioning_uris_are_hidden(text: str) -> None:
    redacted = redact_chat_text(text)
    for word in ("perro", "gatito", "JBSWY3DPEHPK3PXP"):
        assert word not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Hola, quiero hablar con un asesor",
        "tengo 3 hijos y 2 perros",
        "paso 2 de 25",
        "abc12",
        "A1b2c",
        "Tu número: 09******67",
        "¿Cuánto dura el código?",
        "Operación terminada exitosamente",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact_chat_text(text) == text
    assert not looks_like_secret(text)


def test_a_secret_flag_stores_only_the_marker() -> None:
    assert redact_line("hola sin números", secret=True) == SECRET_MARKER
    assert redact_line("Centinela7Qx9Lm", secret=True) == SECRET_MARKER
    assert redact_line("hola") == "hola"


def test_whitespace_is_collapsed_and_long_lines_are_capped() -> None:
    assert redact_chat_text("  hola \n\n  asesor\t ") == "hola asesor"
    long = "palabra " * 500
    redacted = redact_chat_text(long)
    assert len(redacted) == MAX_LINE_CHARS and redacted.endswith("…")


def test_a_secret_at_the_end_of_a_long_line_is_hidden_before_the_cut() -> None:
    text = "a " * (MAX_LINE_CHARS // 2 - 3) + "1234"
    assert "1234" not in redact_chat_text(text)


def test_looks_like_secret() -> None:
    for text in ("1234", "mi clave es Abc12345", "clave: perro", "9 8 7 6", "otp 123456"):
        assert looks_like_secret(text), text
    for text in ("hola", "quiero cancelar", "3 hijos", ""):
        assert not looks_like_secret(text), text


def test_looks_like_password() -> None:
    assert looks_like_password("Abc123")
    assert looks_like_password("(Abc123)")
    assert not looks_like_password("Abc12")  # too short
    assert not looks_like_password("abcdefgh")  # no digit
    assert not looks_like_password("123456")  # digits only (a digit run, hidden anyway)


def test_random_numbers_never_survive() -> None:
    rng = random.Random(6)
    separators = ["", " ", "-", "."]
    for _ in range(500):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 13)))
        separator = rng.choice(separators)
        typed = separator.join(digits) if rng.random() < 0.3 else digits
        text = f"{rng.choice(['', 'mi dato ', 'es el '])}{typed}{rng.choice(['', ' gracias', '.'])}"
        redacted = redact_chat_text(text)
        assert digits not in redacted, (text, redacted)
        assert sum(char.isdigit() for char in redacted) < 4, (text, redacted)
