"""Validation of `registration_form`: the bank's journey step decides what is asked next.

The form asks only for the slot of the journey's current step (the shared bank-journey form,
actions/common/journey_form.py). Each answer is handed to the bank (`submissions.py`), the outcome
told, and the slot cleared again; the next required slot is then whatever step the bank moved the
journey to. Slots steer the dialogue but prove nothing: every rule is checked again by the bank
against its database.
"""

from __future__ import annotations

from actions.common.answers import Answer, Handler
from actions.common.bank_access import current_bank
from actions.common.journey_form import JourneyForm, JourneyFormValidation, JourneyService
from actions.registration.steps import FORM_NAME, FORM_SLOTS, SLOT_FOR_STEP
from actions.registration.submissions import handle_answer


def service() -> JourneyService:
    """The bank's registration journey."""
    return current_bank().registration


def handler(slot: str) -> Handler:
    """Hand the answer in `slot` to the bank."""

    async def handle(answer: Answer) -> None:
        await handle_answer(slot, answer)

    return handle


FORM = JourneyForm(
    name=FORM_NAME,
    service=service,
    slot_for_step=SLOT_FOR_STEP,
    handlers={slot: handler(slot) for slot in FORM_SLOTS},
    restarted_response="utter_journey_restarted_inactive",
)


class ValidateRegistrationForm(JourneyFormValidation):
    """Dynamic form: one required slot, the one of the journey's current step."""

    form = FORM
