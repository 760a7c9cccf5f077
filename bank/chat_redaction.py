"""Redaction of chat text before it is stored for agents: a pure function, no database.

Whatever could be a secret is replaced, erring on the side of hiding too much: digit runs of 4
or more (PIN, SMS code, activation code, cédula, phone; single spaces, dots or hyphens between
digits do not split a run) and words that mix letters and digits over 6 or more characters
(passwords, usernames, token secrets). Key=value secrets and bot tokens are masked by the log
redactor first. A message the channel knows is a secret is never passed as text at all.
"""

from __future__ import annotations

import re
from typing import Final

from bank.redaction import redact as redact_log_secrets
from formats.digit_runs import MIN_SECRET_DIGITS, has_secret_digits

SECRET_MARKER: Final = "[dato secreto oculto]"  # noqa: S105 (what replaces a secret)
NUMBER_MARKER: Final = "[número oculto]"
WORD_MARKER: Final = "[clave oculta]"
MAX_LINE_CHARS: Final = 1000
MIN_PASSWORD_LENGTH: Final = 6

# Four or more digits, possibly split by one space, dot or hyphen ("1 2 3 4", "099-123-4567").
_DIGIT_RUN = re.compile(rf"\d(?:[ .\-]?\d){{{MIN_SECRET_DIGITS - 1},}}")
_WORD = re.compile(r"\S+")
# Punctuation around a word that is not part of it ("¿Centinela7Qx?" is the word inside).
_EDGE_PUNCTUATION = "\"'.,;:!?¿¡()[]{}<>«»"


def looks_like_password(word: str) -> bool:
    """True for a word of 6+ characters (edge punctuation aside) with letters and digits."""
    core = word.strip(_EDGE_PUNCTUATION)
    if len(core) < MIN_PASSWORD_LENGTH:
        return False
    return any(char.isalpha() for char in core) and any(char.isdigit() for char in core)


def redact_chat_text(text: str) -> str:
    """`text` with every secret-looking part replaced, whitespace collapsed, length capped."""
    cleaned = _mask(text)
    if len(cleaned) > MAX_LINE_CHARS:
        cleaned = cleaned[: MAX_LINE_CHARS - 1] + "…"
    return cleaned


def redact_line(text: str, *, secret: bool = False) -> str:
    """What is stored for one chat line: the fixed marker for a secret, else the redacted text."""
    return SECRET_MARKER if secret else redact_chat_text(text)


def looks_like_secret(text: str) -> bool:
    """Whether redaction would hide part of `text` (the channel then deletes it, unrelayed)."""
    return _mask(text) != _collapse(text)


def _mask(text: str) -> str:
    cleaned = redact_log_secrets(_collapse(text))
    cleaned = _WORD.sub(
        lambda match: WORD_MARKER if looks_like_password(match.group(0)) else match.group(0),
        cleaned,
    )
    cleaned = _DIGIT_RUN.sub(NUMBER_MARKER, cleaned)
    # What is left of a PIN written another way ("1,2,3,4", "12/34", "uno dos tres cuatro",
    # digits split by zero-width spaces) hides the whole line: it cannot be masked in place.
    return SECRET_MARKER if has_secret_digits(cleaned) else cleaned


def _collapse(text: str) -> str:
    return " ".join(text.split())
