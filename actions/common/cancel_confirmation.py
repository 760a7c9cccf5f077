"""Leaving a bank journey that has progress asks first (docs/registration.md, "Cancelling").

"Cancelar" at a journey's first step cancels at once. Past it, the journey's cancel action only
marks the chat (`cancel_pending`) and the form requests `cancel_confirmation`, asked with the
journey's own question (`utter_ask_<form>_cancel_confirmation`: "¿Seguro que quieres dejar…?"
Sí / No, seguir); the answer is read from the intent, so the slot itself stays empty.
"Sí" (or "cancelar" again) cancels the way the journey's cancel action does; "No, seguir" or a
word of going on asks the current step again. One mechanism for every journey form: the forms
differ only in their cancel action's responses, registered here by form name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common.bank_access import in_thread
from actions.common.latest_message import latest_intent, validates_the_message
from actions.common.replies import Replies, utter
from bank.outcome import Outcome

# The chat asked to leave a journey with progress; the form asks the confirmation next.
PENDING_SLOT: Final = "cancel_pending"
# The slot the form requests while a cancel is pending (the question's name; never filled).
CONFIRMATION_SLOT: Final = "cancel_confirmation"
# Said when the customer keeps going; then the form asks the current step again.
GOING_ON_RESPONSE: Final = "utter_going_on"


@dataclass(frozen=True)
class CancelWords:
    """How one journey says the outcome of its cancel (its cancel action's responses)."""

    replies: Replies
    default_reply: str

    def say(self, dispatcher: CollectingDispatcher, outcome: Outcome) -> None:
        """Send the response for the outcome's code."""
        utter(dispatcher, self.replies.get(outcome.code, self.default_reply))


# Form name -> its cancel action's words; each concrete CancelJourney registers itself.
_WORDS: dict[str, CancelWords] = {}


def register(form_name: str, words: CancelWords) -> None:
    """Remember how the form's journey says its cancel (called when a cancel action is defined)."""
    _WORDS[form_name] = words


def words_for(form_name: str) -> CancelWords:
    """How the form's journey says its cancel (KeyError: the form has no cancel action)."""
    return _WORDS[form_name]


def is_pending(tracker: Tracker) -> bool:
    """Whether the chat asked to leave its journey and has not confirmed yet."""
    return bool(tracker.get_slot(PENDING_SLOT))


def forgotten() -> list[EventType]:
    """Events that forget a pending cancel and its answer."""
    return [SlotSet(PENDING_SLOT, None), SlotSet(CONFIRMATION_SLOT, None)]


def asked() -> list[EventType]:
    """Events that mark the cancel as pending: the form asks the confirmation next."""
    return [SlotSet(PENDING_SLOT, True), SlotSet(CONFIRMATION_SLOT, None)]


# The answers to "¿Seguro que quieres dejar…?", read from the intent ("Sí", "cancelar" again;
# "No, seguir", "sigamos"); any other message is answered by the form's interruption rules.
YES_INTENTS: Final = frozenset({"affirm", "cancel"})
NO_INTENTS: Final = frozenset({"deny", "keep_going"})


def answer(tracker: Tracker, form_name: str) -> bool | None:
    """True to cancel, False to keep going, None when the latest message does not answer (or
    the form is asking again after an interruption)."""
    if not validates_the_message(tracker, form_name):
        return None
    intent = latest_intent(tracker)
    if intent in YES_INTENTS:
        return True
    if intent in NO_INTENTS:
        return False
    return None


async def cancel_now(
    form_name: str,
    service_cancel: Callable[..., Outcome],
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
) -> Outcome:
    """Cancel in the bank and say it the journey's way."""
    outcome: Outcome = await in_thread(service_cancel, sender_id=tracker.sender_id)
    words_for(form_name).say(dispatcher, outcome)
    return outcome
