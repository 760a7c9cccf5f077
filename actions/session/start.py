"""`action_session_start`: Rasa's own session start, with the facts the responses state.

FAQ answers and the form questions are uttered by Rasa itself (the ResponseSelector, the forms),
which fills a response's `{placeholders}` from slots only. So every session start sets one slot
per fact of bank/facts.py (`{otp_minutes}`, `{mini_max_per_request}`...), read from the bank's
constants and settings; actions' responses get them the same way.

The facts that changed (all of them in a new conversation) are set first, then the session starts
as Rasa's default does: `SessionStarted`, every slot carried over (`carry_over_slots_to_new_session:
true`), `action_listen`. So a new session opens with exactly the slots the old one ended with, as
the sessions the tracker store starts do (rasa_extensions/compacting_tracker_store.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank
from bank.facts import stated_facts


def changed_facts(slots: Mapping[str, Any], facts: Mapping[str, str]) -> list[EventType]:
    """A SlotSet per fact whose slot does not hold its value yet."""
    return [
        SlotSet(name, value) for name, value in sorted(facts.items()) if slots.get(name) != value
    ]


def carried_slots(slots: Mapping[str, Any], domain: DomainDict) -> list[EventType]:
    """A SlotSet for every slot whose value differs from its initial value (Rasa's carry-over)."""
    declared: Mapping[str, Any] = domain.get("slots") or {}
    return [
        SlotSet(name, value)
        for name, value in slots.items()
        if value != (declared.get(name) or {}).get("initial_value")
    ]


class ActionSessionStart(Action):
    """Start a session: set the facts, then carry every slot over into the new session."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        facts = stated_facts(current_bank().settings)
        slots = {**tracker.slots, **facts}
        return [
            *changed_facts(tracker.slots, facts),
            SessionStarted(),
            *carried_slots(slots, domain),
            ActionExecuted("action_listen"),
        ]
