"""Money as the channel reads and shows it: exact Decimal amounts, written the Ecuadorian way.

Amounts arrive from the actions as strings with two decimals ("12.50"); they are never floats.
Ecuador writes dollars with a decimal comma and dots between thousands: "$1.234,50".
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal
from typing import Final

from formats.money import dollars

# Two decimals exactly, no sign, no exponent, at most a billion dollars (a child's goal).
_AMOUNT: Final = re.compile(r"(?:0|[1-9][0-9]{0,8})\.[0-9]{2}")
_CENT: Final = Decimal("0.01")


def parse_amount(text: object) -> Decimal | None:
    """The amount of a string like "12.50" (two decimals, not negative), else None."""
    if not isinstance(text, str) or not _AMOUNT.fullmatch(text):
        return None
    return Decimal(text)


def format_dollars(amount: Decimal) -> str:
    """ "$1.234,50": dots between thousands and a decimal comma (the bank's one formatter)."""
    return dollars(amount)


def percent_of(saved: Decimal, target: Decimal) -> int:
    """How much of target is saved, in whole percent rounded down, within 0..100."""
    if target <= 0:
        raise ValueError("a target must be above zero")
    percent = (saved * 100 / target).to_integral_value(rounding=ROUND_FLOOR)
    return int(max(Decimal(0), min(Decimal(100), percent)))
