"""Deep links t.me/<bot>?start=<parameter>: what "/start <parameter>" sends Rasa, in any channel."""

from __future__ import annotations

from typing import Final

# /start parameter -> Rasa payload; a plain /start (or an unknown parameter) greets.
DEEP_LINKS: Final[dict[str, str]] = {
    "registro": "/start_registration",
    "registrarme": "/start_registration",
    "mini": "/start_mini_registration",
    "hijos": "/start_parent_mini",
    "entrar": "/start_mini_sign_in",
}
START_PAYLOAD: Final = "/greet"


def start_payload(argument: str) -> str:
    """The payload of "/start <argument>" (case and spaces ignored)."""
    return DEEP_LINKS.get(argument.strip().lower(), START_PAYLOAD)
