"""How a child's or a parent's free text is kept so that every sentence echoing it reads well.

A child's reason ("para mi bicicleta") and a parent's mission title ("por ordenar tu cuarto") are
echoed after words that already say it: "Le pedí $5,00 para «…»", "su premio por «…»". The bank
keeps them without that leading "para", "pa'", "pa" or "por", so no echo says it twice
("para «mi bicicleta»", never "para «para mi bicicleta»"). A text that is only that word stays.
"""

from __future__ import annotations

import re
from typing import Final

# "para", "pa'", "pa’", "pa" or "por" as the first word (any case), then the rest of the text.
_LEADING_PURPOSE: Final = re.compile(r"^(?:para|pa['’]?|por)\s+(?=\S)", re.IGNORECASE)


def without_purpose_word(text: str) -> str:
    """`text` without one leading "para" / "pa'" / "por" (already trimmed text expected)."""
    rest = _LEADING_PURPOSE.sub("", text, count=1)
    return rest if rest.strip() else text
