"""Prompts of the registration form that need the bank: masked data, pictures, the token's QR."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import utter

IMAGE_CHOICE_PAYLOAD = '/inform{"image_id": "%s"}'


class AskContactDecision(Action):
    """Show the masked mobile and e-mail on file with "Generar OTP" and "No es mi número"."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_contact_decision"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the masked contact data on file."""
        summary = await in_thread(
            current_bank().registration.contact_summary, sender_id=tracker.sender_id
        )
        utter(dispatcher, "utter_contact_data", summary.data)
        return []


class AskSecurityImage(Action):
    """Offer the security pictures as an image keyboard."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_security_image"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the prompt and the keyboard payload the channel draws."""
        options = await in_thread(
            current_bank().registration.security_images,
        )
        utter(dispatcher, "utter_ask_security_image")
        dispatcher.utter_message(
            json_message={
                "type": "image_keyboard",
                "kind": "security_image",
                "choose": 1,
                "ordered": False,
                "options": [{"id": image_id, "label": label} for image_id, label in options],
                "payload_template": IMAGE_CHOICE_PAYLOAD,
            }
        )
        return []


class AskHomePhone(Action):
    """Show the registered e-mail (and how to change it), then ask for the home phone."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_home_phone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the e-mail on file and the home-phone question."""
        summary = await in_thread(
            current_bank().registration.contact_summary, sender_id=tracker.sender_id
        )
        utter(dispatcher, "utter_email_on_file", summary.data)
        utter(dispatcher, "utter_ask_home_phone")
        return []


class AskTokenCode(Action):
    """Show the Token digital's QR code (through the secret box) and ask for its first code."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_token_code_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The provisioning URI holds the token's secret: only a reference reaches Rasa."""
        bank = current_bank()
        uri = await in_thread(bank.registration.token_provisioning_uri, sender_id=tracker.sender_id)
        ref = await in_thread(
            bank.secret_box.put, sender_id=tracker.sender_id, kind="qr", value=uri
        )
        utter(dispatcher, "utter_token_qr_caption")
        dispatcher.utter_message(json_message={"type": "qr", "ref": ref})
        dispatcher.utter_message(json_message={"type": "secure_input", "kind": "otp"})
        return []
