"""Validation of `registration_form`: the bank's journey step decides what is asked next.

Each `validate_<slot>` hands the user's answer to the bank, tells the outcome and clears the slot
again; the next required slot is then whatever step the bank moved the journey to. Slots steer the
dialogue but prove nothing: every rule is checked again by the bank against its database.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import utter
from actions.registration import outcomes
from actions.registration.steps import FORM_NAME, FORM_SLOTS, is_true, slot_for_step

Cleared = dict[str, Any]


class ValidateRegistrationForm(FormValidationAction):
    """Dynamic form: one required slot, the one of the journey's current step."""

    def name(self) -> str:
        """Name Rasa calls this validation action by."""
        return f"validate_{FORM_NAME}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Restart an idle journey first, then validate; leave no stale answer behind."""
        touched = await in_thread(current_bank().registration.touch, sender_id=tracker.sender_id)
        if touched.code == "restarted_inactive":
            utter(dispatcher, "utter_journey_restarted_inactive")
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        # An answer extracted for a step the journey is no longer at must not linger, or the
        # form would skip that step when the journey comes back to it.
        set_by_events = {event.get("name") for event in events if event.get("event") == "slot"}
        for slot in FORM_SLOTS:
            if slot not in set_by_events and tracker.get_slot(slot) is not None:
                events.append(SlotSet(slot, None))
        return events

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Ask only for the slot of the step the bank's journey is at (none when it is over)."""
        step = await in_thread(
            current_bank().registration.current_step, sender_id=tracker.sender_id
        )
        slot = slot_for_step(step)
        return [slot] if slot else []

    # Identity -----------------------------------------------------------------------------

    async def validate_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Identity number: cédula or RUC, format and lock checked by the bank."""
        outcome = await in_thread(
            current_bank().registration.submit_identity_number,
            sender_id=tracker.sender_id,
            text=str(value),
        )
        outcomes.tell_outcome(dispatcher, outcome, outcomes.IDENTITY_REPLIES, field="id_number")
        return {"id_number": None}

    async def validate_is_additional_user(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Company RUC: is the person an additional user of the company?"""
        await in_thread(
            current_bank().registration.submit_additional_user,
            sender_id=tracker.sender_id,
            is_additional=is_true(value),
        )
        return {"is_additional_user": None}

    async def validate_additional_cedula(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The additional user's own cédula."""
        outcome = await in_thread(
            current_bank().registration.submit_additional_cedula,
            sender_id=tracker.sender_id,
            text=str(value),
        )
        outcomes.tell_outcome(dispatcher, outcome, outcomes.IDENTITY_REPLIES, field="id_number")
        return {"additional_cedula": None}

    async def validate_pin_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The 4-digit PIN, read from the secret box."""
        pin = await self._take_secret(dispatcher, tracker, value, kind="pin")
        if pin is not None:
            outcome = await in_thread(
                current_bank().registration.submit_pin, sender_id=tracker.sender_id, pin=pin
            )
            outcomes.tell_outcome(dispatcher, outcome, outcomes.PIN_REPLIES, field="pin")
        return {"pin_ref": None}

    # Contact data and OTP -------------------------------------------------------------------

    async def validate_contact_decision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """ "Generar OTP" sends the code; "no es mi número" explains the agency's service desk."""
        registration = current_bank().registration
        if value == "not_mine":
            await in_thread(registration.report_wrong_contact, sender_id=tracker.sender_id)
            utter(dispatcher, "utter_wrong_contact_info")
        else:
            outcome = await in_thread(registration.request_otp, sender_id=tracker.sender_id)
            outcomes.tell_outcome(dispatcher, outcome, outcomes.OTP_SEND_REPLIES, field="otp")
        return {"contact_decision": None}

    async def validate_otp_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The SMS code, or "no me llegó" to send a new one within the limits."""
        registration = current_bank().registration
        if value == "resend":
            outcome = await in_thread(registration.request_otp, sender_id=tracker.sender_id)
            outcomes.tell_outcome(dispatcher, outcome, outcomes.OTP_SEND_REPLIES, field="otp")
            return {"otp_ref": None}
        code = await self._take_secret(dispatcher, tracker, value, kind="otp")
        if code is not None:
            outcome = await in_thread(
                registration.submit_otp, sender_id=tracker.sender_id, code=code
            )
            outcomes.tell_outcome(dispatcher, outcome, outcomes.OTP_ENTRY_REPLIES, field="otp")
        return {"otp_ref": None}

    # Username and password ------------------------------------------------------------------

    async def validate_username(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Username: policy and availability answered at once, suggestions when taken."""
        outcome = await in_thread(
            current_bank().registration.submit_username,
            sender_id=tracker.sender_id,
            text=str(value),
        )
        outcomes.tell_outcome(dispatcher, outcome, outcomes.USERNAME_REPLIES, field="username")
        return {"username": None}

    async def validate_username_confirmation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The username typed again."""
        outcome = await in_thread(
            current_bank().registration.submit_username_confirmation,
            sender_id=tracker.sender_id,
            text=str(value),
        )
        outcomes.tell_outcome(
            dispatcher, outcome, outcomes.USERNAME_CONFIRMATION_REPLIES, field="username"
        )
        return {"username_confirmation": None}

    async def validate_password_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The alphanumeric password, read from the secret box; the reason told when refused."""
        password = await self._take_secret(dispatcher, tracker, value, kind="password")
        if password is not None:
            outcome = await in_thread(
                current_bank().registration.submit_password,
                sender_id=tracker.sender_id,
                password=password,
            )
            outcomes.tell_outcome(dispatcher, outcome, {}, field="password")
        return {"password_ref": None}

    async def validate_password_confirmation_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The password typed again."""
        password = await self._take_secret(dispatcher, tracker, value, kind="password")
        if password is not None:
            outcome = await in_thread(
                current_bank().registration.submit_password_confirmation,
                sender_id=tracker.sender_id,
                password=password,
            )
            outcomes.tell_outcome(
                dispatcher, outcome, outcomes.PASSWORD_CONFIRMATION_REPLIES, field="password"
            )
        return {"password_confirmation_ref": None}

    # Security image, phones, challenge questions, terms -------------------------------------

    async def validate_security_image(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The picture chosen on the image keyboard."""
        outcome = await in_thread(
            current_bank().registration.submit_security_image,
            sender_id=tracker.sender_id,
            image_id=str(value),
        )
        outcomes.tell_outcome(dispatcher, outcome, {}, field="security_image")
        return {"security_image": None}

    async def validate_home_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Home phone, or "no tengo"."""
        outcome = await in_thread(
            current_bank().registration.submit_home_phone,
            sender_id=tracker.sender_id,
            text=None if value == "skip" else str(value),
        )
        outcomes.tell_outcome(dispatcher, outcome, {}, field="phone")
        return {"home_phone": None}

    async def validate_work_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Work phone, or "no tengo"."""
        outcome = await in_thread(
            current_bank().registration.submit_work_phone,
            sender_id=tracker.sender_id,
            text=None if value == "skip" else str(value),
        )
        outcomes.tell_outcome(dispatcher, outcome, {}, field="phone")
        return {"work_phone": None}

    async def validate_challenge_first_name_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Challenge question: first name."""
        await self._submit_challenge_answer(dispatcher, tracker, value, question="first_name")
        return {"challenge_first_name_ref": None}

    async def validate_challenge_mother_surname_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Challenge question: mother's surname."""
        await self._submit_challenge_answer(dispatcher, tracker, value, question="mother_surname")
        return {"challenge_mother_surname_ref": None}

    async def validate_challenge_father_surname_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Challenge question: father's surname."""
        await self._submit_challenge_answer(dispatcher, tracker, value, question="father_surname")
        return {"challenge_father_surname_ref": None}

    async def validate_terms_decision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The terms of service, accepted explicitly."""
        outcome = await in_thread(
            current_bank().registration.submit_terms,
            sender_id=tracker.sender_id,
            accepted=value == "accept",
        )
        outcomes.tell_outcome(dispatcher, outcome, outcomes.TERMS_REPLIES, field="terms")
        return {"terms_decision": None}

    # Second factor ----------------------------------------------------------------------------

    async def validate_has_smart_device(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Does the person have a smart device with internet?"""
        outcome = await in_thread(
            current_bank().registration.submit_smart_device,
            sender_id=tracker.sender_id,
            has_device=is_true(value),
        )
        outcomes.tell_outcome(dispatcher, outcome, outcomes.SMART_DEVICE_REPLIES, field="device")
        return {"has_smart_device": None}

    async def validate_second_factor_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """ "Token digital" or "Solicitar más tarde"."""
        await in_thread(
            current_bank().registration.submit_second_factor,
            sender_id=tracker.sender_id,
            choice="token" if value == "token" else "later",
        )
        return {"second_factor_choice": None}

    async def validate_token_activation_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """Activate the Token digital now or later from the menu."""
        await in_thread(
            current_bank().registration.submit_token_activation,
            sender_id=tracker.sender_id,
            now=value == "now",
        )
        return {"token_activation_choice": None}

    async def validate_token_code_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Cleared:
        """The first code of the freshly activated Token digital."""
        code = await self._take_secret(dispatcher, tracker, value, kind="otp")
        if code is not None:
            outcome = await in_thread(
                current_bank().registration.submit_token_code,
                sender_id=tracker.sender_id,
                code=code,
            )
            outcomes.tell_outcome(dispatcher, outcome, outcomes.TOKEN_CODE_REPLIES, field="otp")
        return {"token_code_ref": None}

    # Helpers ----------------------------------------------------------------------------------

    async def _submit_challenge_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, value: Any, *, question: str
    ) -> None:
        answer = await self._take_secret(dispatcher, tracker, value, kind="answer")
        if answer is not None:
            outcome = await in_thread(
                current_bank().registration.submit_challenge_answer,
                sender_id=tracker.sender_id,
                question=question,
                answer=answer,
            )
            outcomes.tell_outcome(dispatcher, outcome, {}, field="answer")

    @staticmethod
    async def _take_secret(
        dispatcher: CollectingDispatcher, tracker: Tracker, ref: Any, *, kind: str
    ) -> str | None:
        """Read (and destroy) the secret the channel boxed; tell the user when it is gone."""
        secret = await in_thread(
            current_bank().secret_box.take, ref=str(ref), sender_id=tracker.sender_id, kind=kind
        )
        if secret is None:
            utter(dispatcher, "utter_secret_expired")
        return secret
