"""Starting, going back, cancelling and finishing the registration journey."""

from __future__ import annotations

from types import MappingProxyType

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.journey_actions import CancelJourney, GoBackInJourney, StartJourney
from actions.common.journey_form import cleared
from actions.common.replies import Replies, utter
from actions.registration.form import FORM
from actions.registration.steps import FORM_NAME
from bank.registration.outcome import RegistrationCode

START_REPLIES: Replies = MappingProxyType(
    {
        RegistrationCode.STARTED: "utter_registration_started",
        RegistrationCode.RESUMED: "utter_registration_resumed",
        RegistrationCode.RESTARTED_INACTIVE: "utter_journey_restarted_inactive",
    }
)


class StartRegistration(StartJourney):
    """Open a journey in the bank, or resume the active one."""

    action_name = "action_start_registration"
    form = FORM
    replies = START_REPLIES
    default_reply = "utter_registration_started"


class RegistrationGoBack(GoBackInJourney):
    """ "Regresar": one step back, where the journey allows it."""

    action_name = "action_registration_go_back"
    form = FORM
    journey = staticmethod(lambda: current_bank().registration.go_back)
    replies = MappingProxyType({RegistrationCode.OK: "utter_went_back"})
    default_reply = "utter_cannot_go_back"


class CancelRegistration(CancelJourney):
    """ "Cancelar": end the journey cleanly."""

    action_name = "action_cancel_registration"
    form = FORM
    replies = MappingProxyType({RegistrationCode.CANCELLED: "utter_registration_cancelled"})
    default_reply = "utter_nothing_to_cancel"


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
            return cleared(FORM)
        outcome = await in_thread(registration.complete, sender_id=tracker.sender_id)
        if outcome.code == RegistrationCode.COMPLETED:
            utter(dispatcher, "utter_registration_completed", outcome.data)
            if not outcome.data.get("token_active"):
                utter(dispatcher, "utter_registration_completed_token_pending")
            return cleared(FORM)
        if outcome.code == RegistrationCode.USERNAME_TAKEN:
            utter(dispatcher, "utter_username_taken_meanwhile")
            return [*cleared(FORM), FollowupAction(FORM_NAME)]
        return cleared(FORM)
