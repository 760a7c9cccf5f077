"""The child's sign-in ("Inicia tu sesión"): `mini_sign_in_form`, then the Mini session."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.answers import Answer, take_secret
from actions.common.bank_access import current_bank, in_thread
from actions.common.journey_actions import (
    CancelJourney,
    ForgetJourneyAnswers,
    StartJourney,
)
from actions.common.journey_form import (
    JourneyForm,
    JourneyFormValidation,
    JourneyService,
    picture_ids,
)
from actions.common.replies import tell, utter
from actions.mini.keyboards import send_picture_password_keyboard
from bank.mini.outcome import MiniCode


def service() -> JourneyService:
    """The bank's child sign-in journey."""
    return current_bank().mini_sign_in


async def enter_username(answer: Answer) -> None:
    """The child's username (checked together with the pictures)."""
    outcome = await in_thread(
        current_bank().mini_sign_in.submit_username,
        sender_id=answer.sender_id,
        text=str(answer.value),
    )
    tell(answer.dispatcher, outcome, {MiniCode.INVALID: "utter_invalid_mini_sign_in_username"})


async def enter_pictures(answer: Answer) -> None:
    """The 4 pictures, boxed by the channel: signed in, wrong (start again) or locked."""
    secret = await take_secret(answer, "picture_password")
    if secret is None:
        return
    outcome = await in_thread(
        current_bank().mini_sign_in.submit_picture_password,
        sender_id=answer.sender_id,
        picture_ids=picture_ids(secret),
    )
    if outcome.code == MiniCode.SIGNED_IN:
        answer.dispatcher.utter_message(
            json_message={
                "type": "picture",
                "id": str(outcome.data.get("avatar", "")),
                "caption": "",
            }
        )
        utter(answer.dispatcher, "utter_mini_signed_in", outcome.data)
        return
    tell(
        answer.dispatcher,
        outcome,
        {
            MiniCode.WRONG: "utter_mini_sign_in_wrong",
            MiniCode.LOCKED: "utter_mini_sign_in_locked",
            MiniCode.HELD: "utter_mini_sign_in_held",
        },
    )


FORM = JourneyForm(
    name="mini_sign_in_form",
    service=service,
    slot_for_step={
        "username": "mini_sign_in_username",
        "picture_password": "mini_sign_in_picture_ref",
    },
    handlers={
        "mini_sign_in_username": enter_username,
        "mini_sign_in_picture_ref": enter_pictures,
    },
    restarted_response="utter_mini_restarted_inactive",
)


class ValidateMiniSignInForm(JourneyFormValidation):
    """Validation of `mini_sign_in_form`."""

    form = FORM


class StartMiniSignIn(StartJourney):
    """Open the child's sign-in journey (or resume it) and greet."""

    action_name = "action_start_mini_sign_in"
    form = FORM
    default_reply = "utter_mini_sign_in_started"


class AskSignInPictures(Action):
    """The picture-password keyboard, in a new order at every sign-in."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_mini_sign_in_picture_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the prompt and a shuffled keyboard."""
        pictures = await in_thread(current_bank().mini_registration.password_pictures)
        utter(dispatcher, "utter_ask_mini_sign_in_picture_ref")
        send_picture_password_keyboard(dispatcher, pictures)
        return []


class CancelMiniSignIn(CancelJourney):
    """ "Cancelar" inside the sign-in."""

    action_name = "action_cancel_mini_sign_in"
    form = FORM
    default_reply = "utter_mini_sign_in_cancelled"


class SignOut(Action):
    """ "Cerrar sesión": ends a child's Mini session or a parent's session in this chat."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_sign_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Sign out whoever is signed in here and say so."""
        bank = current_bank()
        child = await in_thread(bank.mini_sign_in.sign_out, sender_id=tracker.sender_id)
        parent = await in_thread(bank.parent_sign_in.sign_out, sender_id=tracker.sender_id)
        if child.code == MiniCode.SIGNED_OUT or parent:
            utter(dispatcher, "utter_signed_out")
        else:
            utter(dispatcher, "utter_not_signed_in")
        return []


class FinishMiniSignIn(ForgetJourneyAnswers):
    """The sign-in form ended (signed in or locked): forget the answers."""

    action_name = "action_finish_mini_sign_in"
    form = FORM
