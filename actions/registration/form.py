"""Validation of `registration_form`: the bank's journey step decides what is asked next.

The form asks only for the slot of the journey's current step. Each answer is handed to the bank
(`submissions.py`), the outcome told, and the slot cleared again; the next required slot is then
whatever step the bank moved the journey to. Slots steer the dialogue but prove nothing: every
rule is checked again by the bank against its database.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import utter
from actions.registration.steps import FORM_NAME, FORM_SLOTS, slot_for_step
from actions.registration.submissions import Answer, handle_answer


class ValidateRegistrationForm(FormValidationAction):
    """Dynamic form: one required slot, the one of the journey's current step."""

    def name(self) -> str:
        """Name Rasa calls this validation action by."""
        return f"validate_{FORM_NAME}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Restart a journey idle for 10 minutes first, then validate and ask."""
        registration = current_bank().registration
        touched = await in_thread(registration.touch, sender_id=tracker.sender_id)
        if touched.code == "restarted_inactive":
            utter(dispatcher, "utter_journey_restarted_inactive")
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        return events

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Ask only for the slot of the step the bank's journey is at (none when it is over)."""
        registration = current_bank().registration
        step = await in_thread(registration.current_step, sender_id=tracker.sender_id)
        slot = slot_for_step(step)
        return [slot] if slot else []

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Hand the current step's answer to the bank; clear every answer extracted this turn.

        An answer extracted for a step the journey is not at (after an idle restart, say) is
        dropped unread, or the form would skip that step when the journey comes back to it.
        """
        current = await self.required_slots([], dispatcher, tracker, domain)
        events: list[EventType] = []
        for slot, value in tracker.slots_to_validate().items():
            if slot not in FORM_SLOTS:
                continue
            if slot in current and value is not None:
                await handle_answer(slot, Answer(tracker.sender_id, value, dispatcher))
            events.append(SlotSet(slot, None))
        return events
