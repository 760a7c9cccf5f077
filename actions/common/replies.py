"""Sending responses by name, with outcome data turned into template variables."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bank.mini.outcome import MiniCode

Replies = Mapping[StrEnum, str]
"""Responses by the outcome code they tell."""


def template_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Turn outcome data into strings a response template can show (lists joined)."""
    values: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, list | tuple):
            values[key] = ", ".join(str(item) for item in value)
        else:
            values[key] = str(value)
    return values


def utter(
    dispatcher: CollectingDispatcher,
    response: str,
    data: Mapping[str, Any] | None = None,
    *,
    buttons: list[dict[str, str]] | None = None,
) -> None:
    """Send the domain response `response`, filling its variables from `data`.

    `buttons` (title and payload each) replace the response's own, for choices that only the
    bank knows (a child's name, suggested usernames).
    """
    if buttons:
        dispatcher.utter_message(response=response, buttons=buttons, **template_values(data or {}))
    else:
        dispatcher.utter_message(response=response, **template_values(data or {}))


def tell(
    dispatcher: CollectingDispatcher,
    outcome: Any,
    replies: Replies,
    *,
    invalid_field: str | None = None,
) -> None:
    """Send the response for a bank outcome (`code` and `data`).

    With `invalid_field`, an `invalid` outcome is told by its reason:
    `utter_invalid_<invalid_field>_<reason>`; other codes by `replies`.
    """
    if outcome.code == MiniCode.INVALID and invalid_field is not None:
        reason = str(outcome.data.get("reason") or "format")
        utter(dispatcher, f"utter_invalid_{invalid_field}_{reason}")
        return
    response = replies.get(outcome.code)
    if response:
        utter(dispatcher, response, outcome.data)


def phrase(domain: Mapping[str, Any], response: str, data: Mapping[str, Any] | None = None) -> str:
    """The first text of the domain response `response`, filled from `data`: for lines that an
    action joins into one message (a history), so every word still lives in domain/."""
    variations = domain.get("responses", {}).get(response) or [{}]
    text = str(variations[0].get("text") or "")
    values = template_values(data or {})
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def button(
    domain: Mapping[str, Any], name: str, payload: str, data: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """A button built by an action, titled by the domain response `utter_button_<name>`."""
    return {"title": phrase(domain, f"utter_button_{name}", data), "payload": payload}
