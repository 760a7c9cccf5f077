"""`action_session_start`: Rasa's own session start, plus the facts the responses state.

FAQ answers and the form questions are uttered by Rasa itself (the ResponseSelector, the forms),
which fills a response's `{placeholders}` from slots only. So every session starts by setting one
slot per fact of bank/facts.py (`{otp_minutes}`, `{mini_max_per_request}`...), read from the
bank's constants and settings; actions' responses get them the same way. Like Rasa's default, the
slots of the previous session are carried over (`carry_over_slots_to_new_session: true`).
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


def carried_slots(tracker: Tracker, domain: DomainDict) -> list[EventType]:
    """A SlotSet for every slot whose value differs from its initial value (Rasa's carry-over)."""
    declared: Mapping[str, Any] = domain.get("slots") or {}
    events: list[EventType] = []
    for name, value in tracker.slots.items():
        initial = (declared.get(name) or {}).get("initial_value")
        if value != initial:
            events.append(SlotSet(name, value))
    return events


def fact_slots(facts: Mapping[str, str]) -> list[EventType]:
    """One SlotSet per fact, named as its placeholder."""
    return [SlotSet(name, value) for name, value in sorted(facts.items())]


class ActionSessionStart(Action):
    """Start a session: carry the slots over, then set the facts the responses state."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        facts = stated_facts(current_bank().settings)
        carried = [event for event in carried_slots(tracker, domain) if event["name"] not in facts]
        return [
            SessionStarted(),
            *carried,
            *fact_slots(facts),
            ActionExecuted("action_listen"),
        ]
