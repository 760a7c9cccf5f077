"""Contact data shown partly hidden ("información enmascarada")."""

from __future__ import annotations

from bank.validators import national_phone


def mask_mobile(e164: str) -> str:
    """ "+593991234567" -> "09******67": the first two and last two digits only."""
    digits = national_phone(e164) if e164.startswith("+") else e164
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_email(email: str) -> str:
    """ "maria.andrade@example.com" -> "ma*****@example.com" (fixed width hides the length)."""
    local, _, domain = email.partition("@")
    shown = local[:2] if len(local) > 2 else local[:1]
    return f"{shown}*****@{domain}"
