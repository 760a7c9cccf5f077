"""Reading what a child or a parent types as an amount or a short text (pure functions).

Amounts go through `bank.ledger.parse_amount` (exact cents, never floats) after the words people
write around them are taken away: "$5", "5 dólares", "5,50", "cinco", "diez dólares".
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Final

from bank.ledger import CENT, parse_amount
from bank.validators import Validation

GOAL_NAME_MAX: Final = 30
MISSION_TITLE_MAX: Final = 60
REASON_MAX: Final = 80
_CURRENCY_WORDS: Final = re.compile(
    r"\b(d[oó]lares?|dolar(?:es)?|usd|us|ctvs?|de|para|son|unos?|como)\b", re.IGNORECASE
)
_NUMBER_WORDS: Final[dict[str, int]] = {
    "uno": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14,
    "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20, "veinticinco": 25, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
    "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100,
}  # fmt: skip
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def read_amount(text: object) -> Decimal | None:
    """A positive amount with at most 2 decimals from what a person typed, or None."""
    if isinstance(text, Decimal):
        return parse_amount(text)
    raw = str(text or "").strip()
    word = _plain(raw).replace("$", "").strip()
    word = _CURRENCY_WORDS.sub(" ", word).strip(" .!")
    if word in _NUMBER_WORDS:
        return Decimal(_NUMBER_WORDS[word]).quantize(CENT)
    return parse_amount(word.replace(" ", ""))


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
