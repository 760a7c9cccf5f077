"""Secure-input classification from the channel contract (docs/registration.md), as pure functions.

When a prompt asks for a secret, the channel reads the user's next message as that secret unless
it is clearly not one; typed text that could inject an intent or entities never reaches Rasa.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final, Literal, TypeGuard

from formats.digit_runs import ascii_digits, digit_text, secret_digit_runs

SecretKind = Literal["pin", "otp", "password", "answer"]
SECRET_KINDS: Final[tuple[SecretKind, ...]] = ("pin", "otp", "password", "answer")
# Secrets the channel collects itself (the picks of a secret image keyboard), not typed text.
ChannelSecretKind = Literal["picture_password", "activation_code"]
CHANNEL_SECRET_KINDS: Final[tuple[ChannelSecretKind, ...]] = ("picture_password", "activation_code")

# Payload sent to Rasa instead of typed text that looks like an intent injection.
TYPED_COMMAND_PAYLOAD: Final = "/typed_command"
# Payload sent to Rasa instead of a bare PIN or code typed when no secret was asked for.
TYPED_SECRET_PAYLOAD: Final = "/typed_secret"  # noqa: S105 (an intent, not a secret)

# What a prompt may say the next message is besides a secret: a plain number (an amount), which
# a bare 4- or 6-digit message then is, instead of a PIN typed at the wrong moment.
ExpectedKind = Literal["number"]
EXPECTED_KINDS: Final[tuple[ExpectedKind, ...]] = ("number",)
PendingKind = SecretKind | ExpectedKind

# Whole messages that steer the conversation instead of answering a password or answer prompt.
# Compared after folding case and accents, so "Atrás" and "MENÚ" match too.
CONTROL_PHRASES: Final[frozenset[str]] = frozenset(
    {
        "cancelar",
        "regresar",
        "volver",
        "atras",
        "salir",
        "ayuda",
        "menu",
        "menu principal",
        "hablar con un asesor",
        "hablar con asesor",
        # Words of going on: the step is asked again (never a password or an answer).
        "continuar",
        "sigamos",
        "seguir",
    }
)

_NUMERIC_KINDS: Final[frozenset[str]] = frozenset({"pin", "otp"})
# Punctuation around a control word ("¡Cancelar!") does not make it a secret.
_SURROUNDING_PUNCTUATION: Final = " \t\r\n.,;:!¡"
_SEPARATORS: Final = re.compile(r"[\s\-‐‑‒–—−]+")
# "/intent{" or "/ {" anywhere: the shape of an entity injection, even mid-sentence.
_INLINE_INJECTION: Final = re.compile(r"/[^\s/{}]*\s*\{")


def is_secret_kind(value: object) -> TypeGuard[SecretKind]:
    """Tell whether a value is one of the secret kinds of the contract."""
    return isinstance(value, str) and value in SECRET_KINDS


def is_expected_kind(value: object) -> TypeGuard[ExpectedKind]:
    """Tell whether a value names a non-secret input a prompt expects (a plain number)."""
    return isinstance(value, str) and value in EXPECTED_KINDS


def is_channel_secret_kind(value: object) -> TypeGuard[ChannelSecretKind]:
    """Tell whether a value names a secret the channel collects itself (image keyboard picks)."""
    return isinstance(value, str) and value in CHANNEL_SECRET_KINDS


@dataclass(frozen=True, slots=True)
class SecureInputRequest:
    """The bot asks for a secret: the user's next message is collected by the channel."""

    kind: SecretKind


@dataclass(frozen=True, slots=True)
class ExpectedInput:
    """The bot asks for a plain number (an amount): a bare 4- or 6-digit answer is not a PIN."""

    kind: ExpectedKind


def parse_input_request(data: Mapping[str, object]) -> SecureInputRequest | ExpectedInput | None:
    """Parse a `secure_input` or `expected_input` custom payload, or None when malformed."""
    kind = data.get("kind")
    if data.get("type") == "secure_input" and is_secret_kind(kind):
        return SecureInputRequest(kind=kind)
    if data.get("type") == "expected_input" and is_expected_kind(kind):
        return ExpectedInput(kind=kind)
    return None


def _strip_invisible(text: str) -> str:
    """Strip whitespace and invisible format characters (zero-width space, BOM) at both ends."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or unicodedata.category(text[start]) == "Cf"):
        start += 1
    while end > start and (text[end - 1].isspace() or unicodedata.category(text[end - 1]) == "Cf"):
        end -= 1
    return text[start:end]


def _fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a whole message, for word comparisons."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_marks.split()).strip(_SURROUNDING_PUNCTUATION)


def _command_name(token: str) -> str:
    """Name of a "/command" or "/command@SomeBot" token, lower-case and without the slash."""
    return token[1:].partition("@")[0].casefold()


def is_injection(text: str, channel_commands: Collection[str] = ()) -> bool:
    """Tell whether typed text could inject an intent or entities into Rasa.

    Any text starting with "/" is an injection unless it is one of the channel's own commands
    (given with or without the slash, e.g. "start"); a "/word{" anywhere is always one.
    """
    if _INLINE_INJECTION.search(text):
        return True
    stripped = _strip_invisible(text)
    if not stripped.startswith("/"):
        return False
    allowed = {command.lstrip("/").casefold() for command in channel_commands}
    first_token = stripped.split(maxsplit=1)[0]
    return _command_name(first_token) not in allowed


def looks_like_secret(kind: SecretKind, text: str) -> bool:
    """Tell whether a message typed while a secret of this kind is pending is that secret.

    Any message with a run of 4 or more digits (secret_digit_runs) is. Else pin/otp: anything
    without a letter; password/answer: anything but a question or a control word.
    """
    stripped = _strip_invisible(text)
    if not stripped:
        return False
    if secret_digit_runs(stripped):
        return True
    if kind in _NUMERIC_KINDS:
        # Fail closed: "1234." is stored as a (malformed) secret rather than sent to Rasa.
        return not any(ch.isalpha() for ch in stripped)
    if "?" in stripped or "¿" in stripped:
        return False
    return _fold(stripped) not in CONTROL_PHRASES


def normalise_secret(kind: SecretKind, text: str) -> str:
    """Return the value to store; password/answer: the text stripped. pin/otp: the digits of its
    one digit run ("mi clave es 1234" -> "1234"); with several runs, the runs joined by spaces
    (malformed on purpose: the bank answers its format message); with none, the text without
    spaces and dashes."""
    if kind not in _NUMERIC_KINDS:
        return _strip_invisible(text)
    runs = secret_digit_runs(text)
    if len(runs) == 1:
        return runs[0]
    if runs:
        return " ".join(runs)
    return _SEPARATORS.sub("", ascii_digits(_strip_invisible(text)))


# ---- bare numbers: a PIN or a code typed out of turn (digit runs: formats.digit_runs) ----------

# A message that is only a number of these lengths is a PIN (4) or a code (6) typed out of turn.
BARE_SECRET_LENGTHS: Final = frozenset({4, 6})
_BARE_NUMBER: Final = re.compile(r"[0-9](?:[\s\-‐‑‒–—−]*[0-9])*")


def is_bare_secret_number(text: str) -> bool:
    """Whether the whole message is one 4- or 6-digit number (spaces and dashes allowed): what a
    PIN or a code typed when none was asked for looks like."""
    core = digit_text(text).strip(_SURROUNDING_PUNCTUATION)
    if not _BARE_NUMBER.fullmatch(core):
        return False
    return sum(ch.isdigit() for ch in core) in BARE_SECRET_LENGTHS
