"""Messages the assistant did not understand: a short answer, and an agent after two in a row."""

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.replies import utter

MISSES: Final = frozenset({"nlu_fallback", "out_of_scope"})


def intent_of(event: dict[str, Any]) -> str | None:
    """The intent of a user event."""
    name = (event.get("parse_data") or {}).get("intent", {}).get("name")
    return None if name is None else str(name)


def misses_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages, counted back from this one, were misses."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if intent_of(event) not in MISSES:
            break
        count += 1
    return count


class NotUnderstood(Action):
    """Out of scope or not understood: a short answer; the second miss in a row offers an agent.

    Outside a form the main menu follows the first miss; inside one the form asks its step again.
    """

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer the miss."""
        if misses_in_a_row(tracker) >= 2:
            utter(dispatcher, "utter_not_understood_offer_agent")
            return []
        if (tracker.latest_message.get("intent") or {}).get("name") == "out_of_scope":
            utter(dispatcher, "utter_out_of_scope")
        else:
            utter(dispatcher, "utter_default")
        if not tracker.active_loop_name:
            utter(dispatcher, "utter_main_menu")
        return []
