"""The terminal's picture-password entry: the numbers of the pictures typed together."""

from __future__ import annotations

import re
from typing import Final

from bot.rasa_messages import ImageKeyboard

_PICK_NUMBERS: Final = re.compile(r"[\d\s,;.\-]+")


def parse_picks(text: str, keyboard: ImageKeyboard) -> list[str] | None:
    """The option ids of typed numbers ("3 7 7 12"), or None unless exactly `choose` valid ones."""
    numbers = re.findall(r"\d+", text) if text.isascii() else []
    if len(numbers) != keyboard.choose:
        return None
    picks = []
    for number in numbers:
        index = int(number) - 1
        if not 0 <= index < len(keyboard.options):
            return None
        picks.append(keyboard.options[index].id)
    return picks


def looks_like_picks(text: str) -> bool:
    """Whether a line is only numbers (an attempt at a picture password, valid or not)."""
    stripped = text.strip()
    return bool(stripped) and _PICK_NUMBERS.fullmatch(stripped) is not None
