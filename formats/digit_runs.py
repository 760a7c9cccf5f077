"""Digit runs: a PIN or a code inside any text, however it is typed.

One test for "this text holds a PIN or a code", shared by the channel (a secret typed at a prompt,
a held chat's filter) and the bank's redaction of what agents read. Pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

MIN_SECRET_DIGITS: Final = 4
# Spanish digit words, folded (lower case, no accents), with common misspellings.
_DIGIT_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(("cero", "sero", "zero"), "0"),
    "uno": "1",
    "dos": "2",
    "tres": "3",
    **dict.fromkeys(("cuatro", "quatro", "kuatro"), "4"),
    **dict.fromkeys(("cinco", "sinco", "zinco"), "5"),
    **dict.fromkeys(("seis", "ceis", "seys"), "6"),
    **dict.fromkeys(("siete", "ciete", "siette"), "7"),
    "ocho": "8",
    **dict.fromkeys(("nueve", "nuebe", "nuve"), "9"),
}
# What may stand between two digits of one run: spaces, dashes, dots, commas, slashes (zero-width
# characters are made spaces first).
_RUN_SEPARATOR: Final = r"[\s\-‐‑‒–—−.,/\\]"
_DIGIT_RUN: Final = re.compile(rf"[0-9](?:{_RUN_SEPARATOR}*[0-9]){{{MIN_SECRET_DIGITS - 1},}}")
_LETTERS: Final = re.compile(r"[^\W\d_]+")


def ascii_digits(text: str) -> str:
    """NFKC form of `text` with the decimal digits of any script (full-width, Arabic-Indic...)
    as ASCII digits."""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in normal)


def digit_text(text: str) -> str:
    """`text` folded for digit search: ASCII digits, digit words as digits, zero-width
    characters as spaces, lower case, no accents."""
    visible = "".join(" " if unicodedata.category(ch) == "Cf" else ch for ch in ascii_digits(text))
    decomposed = unicodedata.normalize("NFKD", visible.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LETTERS.sub(lambda word: _DIGIT_WORDS.get(word.group(0), word.group(0)), folded)


def secret_digit_runs(text: str) -> list[str]:
    """Every run of 4 or more digits in `text`, as ASCII digits without separators.

    Digits of any script and Spanish digit words count ("uno dos tres cuatro"); spaces, dashes,
    dots, commas, slashes and zero-width characters between digits do not split a run
    ("1,2,3,4", "12/34"). The one test for "this message holds a PIN or a code".
    """
    return [re.sub(r"[^0-9]", "", run.group(0)) for run in _DIGIT_RUN.finditer(digit_text(text))]


def has_secret_digits(text: str) -> bool:
    """Whether `text` holds a run of 4 or more digits (see secret_digit_runs)."""
    return bool(secret_digit_runs(text))
