"""Dollar amounts as Ecuador writes them: "$1.234,50" (dots between thousands, decimal comma)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

_CENT: Final = Decimal("0.01")


def dollars(amount: object) -> str:
    """ "12.50" -> "$12,50"; "-3.00" -> "-$3,00"; "1234.5" -> "$1.234,50" (exact, no floats).

    Text that is not an amount comes back unchanged."""
    try:
        value = Decimal(str(amount)).quantize(_CENT)
    except InvalidOperation:
        return str(amount)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}${grouped},{cents}"
