"""The secure-input classification table of the channel contract."""

from __future__ import annotations

import pytest

from bot.secure_input import (
    SecretKind,
    is_injection,
    is_secret_kind,
    looks_like_secret,
    normalise_secret,
)

# ---- injection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '/inform{"secret_ref": "x"}',
        '/inform{"secret_ref":"x"}',
        "/start_registration",
        "/affirm",
        "/typed_command",
        "   /inform{}",
        "\t/deny",
        "\u200b/affirm",  # zero-width space in front
        "/",
        '/inform {"pin_ref": "1"}',
        'mi cédula es /inform{"id_number": "1710034065"}',
        "hola / {",
        "/start{}",  # a channel command followed by entities is still an injection
        "/START",
    ],
)
def test_injections(text: str) -> None:
    assert is_injection(text)


@pytest.mark.parametrize(
    "text",
    [
        "hola",
        "quiero registrarme",
        "1710034065",
        "mi usuario es juan/perez",
        "uso la app 2/3 veces",
        "{esto no es un comando}",
        "",
        "   ",
    ],
)
def test_not_injections(text: str) -> None:
    assert not is_injection(text)


@pytest.mark.parametrize("text", ["/start", "/START", "/start@ProdubancoBot", "/ayuda", " /start"])
def test_channel_commands_are_not_injections(text: str) -> None:
    assert not is_injection(text, channel_commands=["start", "/ayuda"])


@pytest.mark.parametrize(
    "text", ["/affirm", '/start{"x": 1}', '/start@Bot {"x": 1}', "/startx", "/inform"]
)
def test_other_commands_are_injections_even_with_channel_commands(text: str) -> None:
    assert is_injection(text, channel_commands=["start", "ayuda"])


# ---- pin and otp -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pin", "otp"])
@pytest.mark.parametrize(
    "text",
    [
        "1234",
        "123456",
        "12 34 56",
        "12-34-56",
        " 1234 ",
        "1 2 3 4",
        "１２３４",
        "1234.",
        "0000",
        "12345a",
        "mi pin es 1234",
    ],
)
def test_numeric_kinds_take_text_without_letters_as_the_secret(kind: SecretKind, text: str) -> None:
    assert looks_like_secret(kind, text)


@pytest.mark.parametrize("kind", ["pin", "otp"])
@pytest.mark.parametrize(
    "text",
    [
        "No me llegó",
        "no me llego",
        "cuánto dura",
        "¿cuánto dura el código?",
        "cancelar",
        "Regresar",
        "ayuda",
        "12a",
        "mi pin es el de siempre",
        "/affirm",
        "",
        "   ",
    ],
)
def test_numeric_kinds_pass_text_with_letters_through(kind: SecretKind, text: str) -> None:
    assert not looks_like_secret(kind, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("otp", "12 34 56", "123456"),
        ("otp", "12-34-56", "123456"),
        ("otp", " 123 456\n", "123456"),
        ("pin", "1 2-3 4", "1234"),
        ("pin", "12–34", "1234"),  # en dash
        ("pin", "１２３４", "1234"),  # full-width digits
        ("otp", "\u200b123456", "123456"),
    ],
)
def test_normalise_numeric_secrets(kind: SecretKind, text: str, expected: str) -> None:
    assert normalise_secret(kind, text) == expected


# ---- password and answer ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["password", "answer"])
@pytest.mark.parametrize(
    "text",
    [
        "Clave2024",
        "miperro99",
        "María",
        "Pérez",
        "González Vera",
        "cancelar1",  # not the control word itself
        "quiero cancelar",  # only the whole message is compared
        "ayudame123",
        "menú de hoy",
        "1234",
        "/inform{}",  # a secret, so it never reaches Rasa at all
    ],
)
def test_text_kinds_take_everything_else_as_the_secret(kind: SecretKind, text: str) -> None:
    assert looks_like_secret(kind, text)


@pytest.mark.parametrize("kind", ["password", "answer"])
@pytest.mark.parametrize(
    "text",
    [
        "¿cuántos caracteres?",
        "cuántos caracteres?",
        "¿Qué es esto",
        "?",
        "cancelar",
        "Cancelar",
        "CANCELAR",
        "  cancelar  ",
        "¡Cancelar!",
        "cancelar.",
        "regresar",
        "volver",
        "atrás",
        "Atras",
        "ATRÁS",
        "salir",
        "Salir",
        "ayuda",
        "Ayuda",
        "menu",
        "Menú",
        "menú principal",
        "hablar con un asesor",
        "Hablar  con un Asesor",
        "hablar con asesor",
        "",
    ],
)
def test_text_kinds_pass_questions_and_control_words_through(kind: SecretKind, text: str) -> None:
    assert not looks_like_secret(kind, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("password", "  Clave2024 \n", "Clave2024"),
        ("password", "Cla ve-2024", "Cla ve-2024"),  # only the ends are trimmed
        ("answer", " María José ", "María José"),
    ],
)
def test_normalise_text_secrets_only_strips(kind: SecretKind, text: str, expected: str) -> None:
    assert normalise_secret(kind, text) == expected


def test_secret_kinds_of_the_contract() -> None:
    assert [k for k in ("pin", "otp", "password", "answer") if is_secret_kind(k)] == [
        "pin",
        "otp",
        "password",
        "answer",
    ]
    assert not is_secret_kind("qr")
    assert not is_secret_kind(None)
