"""Reading what a child or a parent types as an amount or a short text (pure functions).

`read_typed_amount` is the one parser of typed amounts: exactly one number, written "5", "5,50",
"5.50" or in words ("cinco"), optionally with "$", "dólares" or "USD" and a few filler words
("unos", "son"...). Anything that could be read two ways is refused as `ambiguous` instead of
guessed: digits split by spaces or words ("5 dólares 50", "5 50"), more than one number,
thousands separators ("1.000"), cents words ("50 centavos"). The amount itself then goes through
`bank.ledger.parse_amount` (exact cents, never floats, positive, not absurd).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from bank.ledger import CENT, parse_amount
from bank.validators import Validation

GOAL_NAME_MAX: Final = 30
MISSION_TITLE_MAX: Final = 60
REASON_MAX: Final = 80
TYPED_AMOUNT_MAX_CHARS: Final = 40
NOT_AMOUNT: Final = "not_amount"
AMBIGUOUS: Final = "ambiguous"
_TOKEN: Final = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[a-z]+|\S")
_ASCII_DIGITS: Final = frozenset("0123456789")
_PLAIN_NUMBER: Final = re.compile(r"[0-9]+(?:[.,][0-9]{1,2})?")
_CURRENCY: Final = frozenset({"$", "usd", "us", "dolar", "dolares"})
_FILLERS: Final = frozenset({"de", "para", "son", "unos", "unas", "como", "solo", "mas"})
_CENTS: Final = frozenset({"centavo", "centavos", "ctv", "ctvs", "cts", "cent", "cents"})
_PUNCTUATION: Final = frozenset({".", ",", "!", "?", "¡", "¿"})
_NUMBER_WORDS: Final[dict[str, int]] = {
    "uno": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14,
    "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20, "veinticinco": 25, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
    "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100,
}  # fmt: skip
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class TypedAmount:
    """An amount read from text, or why not: `not_amount` or `ambiguous`."""

    amount: Decimal | None
    problem: str | None = None


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def read_typed_amount(text: object) -> TypedAmount:
    """What a person typed as an amount: exactly one number, or a refusal with its reason."""
    raw = str(text or "")
    if len(raw) > TYPED_AMOUNT_MAX_CHARS:
        return TypedAmount(None, NOT_AMOUNT)
    numbers: list[str] = []
    unknown = ambiguous = False
    for token in _TOKEN.findall(_plain(raw)):
        if token[0] in _ASCII_DIGITS:
            numbers.append(token)
            ambiguous = ambiguous or not _PLAIN_NUMBER.fullmatch(token)
        elif token in _NUMBER_WORDS:
            numbers.append(str(_NUMBER_WORDS[token]))
        elif token in _CENTS:
            ambiguous = True
        elif token not in _CURRENCY | _FILLERS | _PUNCTUATION:
            unknown = True
    if len(numbers) > 1 or (ambiguous and numbers):
        return TypedAmount(None, AMBIGUOUS)
    if unknown or not numbers:
        return TypedAmount(None, NOT_AMOUNT)
    amount = parse_amount(numbers[0])
    return TypedAmount(amount, None if amount is not None else NOT_AMOUNT)


def read_amount(text: object) -> Decimal | None:
    """A positive amount with at most 2 decimals from what a person typed, or None."""
    if isinstance(text, Decimal):
        return parse_amount(text)
    return read_typed_amount(text).amount


def amount_problem(text: object) -> str | None:
    """Why a typed amount is refused (`not_amount`, `ambiguous`), or None when it is read."""
    return read_typed_amount(text).problem


def clean_text(text: object, *, maximum: int, minimum: int = 1) -> Validation:
    """A short free text (a goal's name, a mission, a reason): trimmed, one space between words.

    Reasons: `empty`, `too_short`, `too_long`.
    """
    value = " ".join(_CONTROL.sub(" ", str(text or "")).split())
    if not value:
        return Validation(reason="empty")
    if len(value) < minimum:
        return Validation(reason="too_short")
    if len(value) > maximum:
        return Validation(reason="too_long")
    return Validation(value=value)


def money_text(amount: Decimal) -> str:
    """The exact amount as the bank's data carries it ("12.50")."""
    return str(amount.quantize(CENT))
