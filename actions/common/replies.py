"""Sending responses by name, with outcome data turned into template variables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk.executor import CollectingDispatcher


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
    dispatcher: CollectingDispatcher, response: str, data: Mapping[str, Any] | None = None
) -> None:
    """Send the domain response `response`, filling its variables from `data`."""
    dispatcher.utter_message(response=response, **template_values(data or {}))
