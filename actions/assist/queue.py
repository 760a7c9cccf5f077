"""Asking for a person: the offer (what the agent will see), the consent, the queue, cancelling.

Every button that leads here carries why the customer wants a person (`agent_reason`): asked,
two messages not understood, a lock, or contact data that are not theirs. The bank keeps the
ticket (`bank.tickets`); these actions only tell the customer where they stand. Inside a form,
rules answer and then the form asks its current step again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import Replies, button, utter
from bank.assist.outcome import AssistCode

REASONS: Final = frozenset({"asked", "not_understood", "locked", "not_my_number"})
DEFAULT_REASON: Final = "asked"
REASON_SLOT: Final = "agent_reason"

# What the customer is told about a ticket, by the bank's outcome code.
STATUS_REPLIES: Final[Replies] = {
    AssistCode.OPENED: "utter_agent_queued",
    AssistCode.ALREADY_WAITING: "utter_agent_already_waiting",
    AssistCode.WAITING: "utter_agent_already_waiting",
    AssistCode.WITH_AGENT: "utter_agent_already_with",
    AssistCode.FOLLOW_UP: "utter_agent_follow_up",
}
# The only outcome data a reply shows; the rest of a ticket's data stays in the bank.
SHOWN_DATA: Final = ("position", "agent_name", "call_center")


def payload(intent: str, reason: str) -> str:
    """A button payload for `intent` that carries the reason (well under Telegram's 64 bytes)."""
    return f"/{intent}{json.dumps({REASON_SLOT: reason})}"


def intent_name(tracker: Tracker) -> str | None:
    """The intent of the latest user message."""
    name = (tracker.latest_message.get("intent") or {}).get("name")
    return None if name is None else str(name)


def button_reason(tracker: Tracker) -> str | None:
    """The reason carried by the button just tapped, if it is one of the bank's reasons."""
    value = next(tracker.get_latest_entity_values(REASON_SLOT), None)
    return str(value) if value in REASONS else None


def offered_reason(tracker: Tracker) -> str:
    """The reason for a ticket: the button's, else the one of the last offer, else `asked`."""
    remembered = tracker.get_slot(REASON_SLOT)
    if remembered not in REASONS:
        remembered = None
    return button_reason(tracker) or remembered or DEFAULT_REASON


def tell_status(dispatcher: CollectingDispatcher, outcome: Any) -> bool:
    """Tell a ticket's state (in the queue, with an agent, follow-up); False if there is none."""
    response = STATUS_REPLIES.get(outcome.code)
    if response is None:
        return False
    data: Mapping[str, Any] = outcome.data or {}
    utter(dispatcher, response, {key: data[key] for key in SHOWN_DATA if key in data})
    return True


class OfferAgent(Action):
    """ "Quiero hablar con un asesor": say what the agent will see and ask for consent.

    A chat that already has a ticket is told where it stands instead.
    """

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_offer_agent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Offer a person, with the reason remembered for a typed "sí"."""
        reason = button_reason(tracker) or DEFAULT_REASON
        status = await in_thread(current_bank().tickets.position, sender_id=tracker.sender_id)
        if not tell_status(dispatcher, status):
            buttons = [
                button(domain, "agent_consent", payload("agent_consent", reason)),
                button(domain, "agent_decline", payload("agent_decline", reason)),
            ]
            utter(dispatcher, "utter_agent_offer", buttons=buttons)
        return [SlotSet(REASON_SLOT, reason)]


class OpenTicket(Action):
    """ "Sí, conéctame": queue the chat for an agent and tell its place in the line."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_open_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Open the ticket (or tell the one already open) and forget the offer."""
        tickets = current_bank().tickets
        if intent_name(tracker) == "affirm":
            # A typed "sí" is never taken to queue again a ticket nobody took in time.
            status = await in_thread(tickets.position, sender_id=tracker.sender_id)
            if tell_status(dispatcher, status):
                return [SlotSet(REASON_SLOT, None)]
        outcome = await in_thread(
            tickets.open, sender_id=tracker.sender_id, reason=offered_reason(tracker)
        )
        if not tell_status(dispatcher, outcome):
            utter(dispatcher, "utter_agent_unavailable")
        return [SlotSet(REASON_SLOT, None)]


class CancelAgentWait(Action):
    """ "Cancelar espera" (or "cancelar" outside a journey): leave the queue."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_cancel_agent_wait"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Cancel the chat's ticket; a plain "cancelar" with none has nothing to cancel."""
        outcome = await in_thread(current_bank().tickets.cancel, sender_id=tracker.sender_id)
        if outcome.code == AssistCode.CANCELLED:
            utter(dispatcher, "utter_agent_wait_cancelled")
        elif intent_name(tracker) == "cancel":
            utter(dispatcher, "utter_nothing_to_cancel")
        else:
            utter(dispatcher, "utter_agent_no_wait")
        return [SlotSet(REASON_SLOT, None)]
