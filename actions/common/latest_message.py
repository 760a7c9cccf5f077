"""What a form's validation call knows about the user's latest message."""

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Tracker

# Actions Rasa logs between the user's message and the form's validation of it.
_BEFORE_VALIDATION: Final = frozenset({"action_extract_slots", "action_listen"})


def validates_the_message(tracker: Tracker, form_name: str) -> bool:
    """Whether this validation call is the form's first look at the user's latest message, not
    the form asking again after another action answered it (an FAQ, a greeting, a cancel)."""
    events: list[dict[str, Any]] = list(tracker.events)
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action" and event.get("name") not in {form_name, *_BEFORE_VALIDATION}:
            return False
    return False


def latest_intent(tracker: Tracker) -> str | None:
    """The intent NLU (or a button's payload) gave the latest message."""
    message = tracker.latest_message or {}
    name = (message.get("intent") or {}).get("name")
    return str(name) if name else None


def latest_text(tracker: Tracker) -> str:
    """The latest message's text ("" when there is none)."""
    message = tracker.latest_message or {}
    return str(message.get("text") or "")
