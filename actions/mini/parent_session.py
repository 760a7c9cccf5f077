"""What the parent signed in from this chat has, for the parent's Cuenta Mini actions: the pending
requests, the approved children and the chosen one; and what an action does when no parent is
signed in (the sign-in comes first)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import utter
from bank.mini.outcome import MiniCode

PARENT_FORM: Final = "parent_mini_form"
SIGN_IN_NEEDED: Final = "parent_sign_in_needed"


@dataclass(frozen=True)
class ChosenChild:
    """The child chosen in "Cuenta para mis hijos": its reference and first name."""

    ref: str
    name: str


def entity(tracker: Tracker, name: str) -> str | None:
    """The latest message's entity `name` (from a button payload), if any."""
    value = next(tracker.get_latest_entity_values(name), None)
    return None if value is None else str(value)


async def pending_requests(sender_id: str) -> list[Mapping[str, Any]] | None:
    """The signed-in parent's pending requests (None when no parent is signed in here)."""
    outcome = await in_thread(current_bank().mini_requests.pending, sender_id=sender_id)
    if outcome.code != MiniCode.OK:
        return None
    return list(outcome.data["requests"])


async def needs_sign_in(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str
) -> list[EventType]:
    """Say the sign-in comes first. Outside a form, the rules then open the parent's sign-in;
    inside "Cuenta para mis hijos" its journey goes back to the sign-in."""
    utter(dispatcher, response)
    if tracker.active_loop_name is None:
        return [SlotSet(SIGN_IN_NEEDED, True)]
    if tracker.active_loop_name == PARENT_FORM:
        await in_thread(current_bank().parent_mini.start, sender_id=tracker.sender_id)
    return []


def settled(events: list[EventType]) -> list[EventType]:
    """Every run of an action the rules branch on sets `parent_sign_in_needed` (None unless a
    sign-in must open), so a value left from an earlier turn never steers the rules."""
    if any(event.get("name") == SIGN_IN_NEEDED for event in events):
        return events
    return [*events, SlotSet(SIGN_IN_NEEDED, None)]


async def chosen_child(sender_id: str) -> ChosenChild | None:
    """The child chosen in the parent's journey (its step `child_action`), or None."""
    journey = current_bank().parent_mini
    summary = await in_thread(journey.summary, sender_id=sender_id)
    if summary.code != MiniCode.OK or summary.step != "child_action":
        return None
    name = str(summary.data.get("child_first_name") or "")
    ref = str(summary.data.get("child_ref") or "")
    return ChosenChild(ref, name) if ref else None


async def approved_children(dispatcher: CollectingDispatcher, sender_id: str) -> list[Any]:
    """The signed-in parent's children whose Cuenta Mini is approved (saying so when none is)."""
    children = await in_thread(current_bank().parent_mini.children, sender_id=sender_id)
    approved = [child for child in children if child.approved]
    if not approved:
        utter(dispatcher, "utter_parent_money_no_children")
    return approved
