"""Starting, going back, cancelling and finishing the registration journey."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import utter
from actions.registration.steps import FORM_NAME, FORM_SLOTS
from bank.registration.outcome import RegistrationCode

START_REPLIES = {
    "started": "utter_registration_started",
    "resumed": "utter_registration_resumed",
    "restarted_inactive": "utter_journey_restarted_inactive",
}


def cleared_form_slots() -> list[EventType]:
    """Events that empty every answer slot of the form (the bank keeps the progress)."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


class StartRegistration(Action):
    """Open a journey in the bank, or resume the active one."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_start_registration"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Start or resume, and say which."""
        outcome = await in_thread(current_bank().registration.start, sender_id=tracker.sender_id)
        utter(dispatcher, START_REPLIES.get(outcome.code, "utter_registration_started"))
        return cleared_form_slots()


class RegistrationGoBack(Action):
    """ "Regresar": one step back, where the journey allows it."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_registration_go_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Move the journey back one step and say so."""
        outcome = await in_thread(current_bank().registration.go_back, sender_id=tracker.sender_id)
        utter(
            dispatcher,
            "utter_went_back" if outcome.code == RegistrationCode.OK else "utter_cannot_go_back",
        )
        return cleared_form_slots()


class CancelRegistration(Action):
    """ "Cancelar": end the journey cleanly."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_cancel_registration"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Cancel in the bank, leave the form."""
        outcome = await in_thread(current_bank().registration.cancel, sender_id=tracker.sender_id)
        cancelled = outcome.code == RegistrationCode.CANCELLED
        utter(
            dispatcher, "utter_registration_cancelled" if cancelled else "utter_nothing_to_cancel"
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None), *cleared_form_slots()]


class FinishRegistration(Action):
    """Create the user once every step is done; other endings were told by the form."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_finish_registration"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Complete the journey atomically in the bank and tell the result."""
        registration = current_bank().registration
        if await in_thread(registration.current_step, sender_id=tracker.sender_id) != "finish":
            return cleared_form_slots()
        outcome = await in_thread(registration.complete, sender_id=tracker.sender_id)
        if outcome.code == RegistrationCode.COMPLETED:
            utter(dispatcher, "utter_registration_completed", outcome.data)
            if not outcome.data.get("token_active"):
                utter(dispatcher, "utter_registration_completed_token_pending")
            return cleared_form_slots()
        if outcome.code == RegistrationCode.USERNAME_TAKEN:
            utter(dispatcher, "utter_username_taken_meanwhile")
            return [*cleared_form_slots(), FollowupAction(FORM_NAME)]
        return cleared_form_slots()
