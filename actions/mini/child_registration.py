"""The child's registration ("Responde estas preguntas con tus papás"): `mini_registration_form`.

Cédula, activation code (or "¿No tienes código de activación?"), avatar, username, picture
password and its repetition; the bank's `mini_registration` journey holds the progress.
"""

from __future__ import annotations

from types import MappingProxyType

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.answers import Answer, take_secret
from actions.common.bank_access import current_bank, in_thread
from actions.common.journey_actions import CancelJourney, GoBackInJourney, StartJourney
from actions.common.journey_form import (
    JourneyForm,
    JourneyFormValidation,
    JourneyService,
    cleared,
    picture_ids,
)
from actions.common.replies import Replies, tell, utter
from actions.mini.keyboards import send_avatar_keyboard, send_picture_password_keyboard
from bank.mini.outcome import MiniCode


def service() -> JourneyService:
    """The bank's child-registration journey."""
    return current_bank().mini_registration


# Every well-formed cédula gets the same `ok` (no name): the bank tells who it is only after a
# valid code. Rate limits are told without a word about the cédula.
CEDULA_REPLIES: Replies = {MiniCode.OK: "utter_mini_cedula_ok"}
CEDULA_LIMIT_REPLIES = {
    "chat": "utter_mini_cedula_limit_chat",
    "child": "utter_mini_cedula_limit_child",
}
CODE_REPLIES: Replies = {
    MiniCode.OK: "utter_mini_code_ok",
    MiniCode.INVALID: "utter_mini_code_invalid",
    MiniCode.WRONG: "utter_mini_code_wrong",
    MiniCode.EXPIRED: "utter_mini_code_expired",
    MiniCode.USED: "utter_mini_code_used",
    MiniCode.ATTEMPTS_EXHAUSTED: "utter_mini_code_attempts_exhausted",
    MiniCode.ALREADY_HAS_USER: "utter_mini_already_has_user",
}
CODE_REQUEST_REPLIES: Replies = {
    MiniCode.ASKED: "utter_mini_code_requested",
    MiniCode.TOO_SOON: "utter_mini_code_request_too_soon",
    MiniCode.RATE_LIMITED: "utter_mini_code_request_limit",
}


async def enter_cedula(answer: Answer) -> None:
    """The child's cédula: the same answer for any well-formed one, then the code is asked."""
    outcome = await in_thread(
        current_bank().mini_registration.submit_cedula,
        sender_id=answer.sender_id,
        text=str(answer.value),
    )
    if outcome.code == MiniCode.RATE_LIMITED:
        scope = str(outcome.data.get("scope", "chat"))
        utter(
            answer.dispatcher,
            CEDULA_LIMIT_REPLIES.get(scope, "utter_mini_cedula_limit_chat"),
            outcome.data,
        )
        return
    tell(answer.dispatcher, outcome, CEDULA_REPLIES, invalid_field="mini_cedula")


async def enter_activation_code(answer: Answer) -> None:
    """The code (a secret-box reference), "no tengo código", or "ask my parent"."""
    journey = current_bank().mini_registration
    if answer.value == "missing":
        # "Pedirle un código" is offered for every cédula: whether a parent can be told is the
        # bank's secret.
        utter(answer.dispatcher, "utter_mini_how_to_get_code")
        utter(answer.dispatcher, "utter_mini_offer_ask_parent")
        return
    if answer.value == "ask":
        outcome = await in_thread(journey.request_code, sender_id=answer.sender_id)
        tell(answer.dispatcher, outcome, CODE_REQUEST_REPLIES)
        return
    code = await take_secret(answer, "otp")
    if code is None:
        return
    outcome = await in_thread(journey.submit_activation_code, sender_id=answer.sender_id, code=code)
    tell(answer.dispatcher, outcome, CODE_REPLIES)


async def choose_avatar(answer: Answer) -> None:
    """One of the avatars of the keyboard."""
    outcome = await in_thread(
        current_bank().mini_registration.submit_avatar,
        sender_id=answer.sender_id,
        avatar_id=str(answer.value),
    )
    tell(
        answer.dispatcher,
        outcome,
        {MiniCode.OK: "utter_mini_avatar_ok", MiniCode.INVALID: "utter_invalid_mini_avatar"},
    )


async def enter_username(answer: Answer) -> None:
    """A username of 8 to 20 letters or digits; suggestions as buttons when it is taken."""
    outcome = await in_thread(
        current_bank().mini_registration.submit_username,
        sender_id=answer.sender_id,
        text=str(answer.value),
    )
    if outcome.code == MiniCode.TAKEN:
        suggestions = list(outcome.data.get("suggestions", []))
        utter(
            answer.dispatcher,
            "utter_mini_username_taken",
            outcome.data,
            buttons=[{"title": name, "payload": name} for name in suggestions],
        )
        return
    tell(
        answer.dispatcher,
        outcome,
        {MiniCode.OK: "utter_mini_username_available"},
        invalid_field="mini_username",
    )


async def enter_picture_password(answer: Answer) -> None:
    """The 4 pictures, boxed by the channel; the bank keeps only a hash until they are repeated."""
    secret = await take_secret(answer, "picture_password")
    if secret is None:
        return
    outcome = await in_thread(
        current_bank().mini_registration.submit_picture_password,
        sender_id=answer.sender_id,
        picture_ids=picture_ids(secret),
    )
    tell(
        answer.dispatcher,
        outcome,
        {
            MiniCode.OK: "utter_picture_password_ok",
            MiniCode.INVALID: "utter_invalid_picture_password",
            MiniCode.TOO_EASY: "utter_picture_password_too_easy",
        },
    )


async def repeat_picture_password(answer: Answer) -> None:
    """The same 4 pictures again; a mismatch starts the picture password over."""
    secret = await take_secret(answer, "picture_password")
    if secret is None:
        return
    outcome = await in_thread(
        current_bank().mini_registration.submit_picture_password_confirmation,
        sender_id=answer.sender_id,
        picture_ids=picture_ids(secret),
    )
    tell(
        answer.dispatcher,
        outcome,
        {
            MiniCode.MISMATCH: "utter_picture_password_mismatch",
            MiniCode.INVALID: "utter_invalid_picture_password",
        },
    )


FORM = JourneyForm(
    name="mini_registration_form",
    service=service,
    slot_for_step={
        "cedula": "mini_cedula",
        "activation_code": "activation_code_ref",
        "avatar": "mini_avatar",
        "username": "mini_username",
        "picture_password": "picture_password_ref",
        "picture_password_confirmation": "picture_password_confirmation_ref",
    },
    handlers={
        "mini_cedula": enter_cedula,
        "activation_code_ref": enter_activation_code,
        "mini_avatar": choose_avatar,
        "mini_username": enter_username,
        "picture_password_ref": enter_picture_password,
        "picture_password_confirmation_ref": repeat_picture_password,
    },
    restarted_response="utter_mini_restarted_inactive",
)


class ValidateMiniRegistrationForm(JourneyFormValidation):
    """Validation of `mini_registration_form`."""

    form = FORM


class StartMiniRegistration(StartJourney):
    """Open the child's registration in the bank, or resume it."""

    action_name = "action_start_mini_registration"
    form = FORM
    replies = MappingProxyType({MiniCode.RESUMED: "utter_mini_registration_resumed"})
    default_reply = "utter_mini_registration_started"


class AskActivationCode(Action):
    """Ask for the activation code (a secret) with "¿No tienes código de activación?"."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_activation_code_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The prompt carries the secure-input request for a 6-digit code."""
        utter(dispatcher, "utter_ask_activation_code_ref")
        return []


class AskMiniAvatar(Action):
    """Offer the avatars as an image keyboard."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_mini_avatar"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the prompt and the avatar keyboard."""
        avatars = await in_thread(current_bank().mini_registration.avatars)
        utter(dispatcher, "utter_ask_mini_avatar")
        send_avatar_keyboard(dispatcher, avatars)
        return []


class AskPicturePassword(Action):
    """Offer the picture-password pictures, freshly shuffled."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_picture_password_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the prompt and a 4-pick keyboard whose picks go to the secret box."""
        pictures = await in_thread(current_bank().mini_registration.password_pictures)
        utter(dispatcher, "utter_ask_picture_password_ref")
        send_picture_password_keyboard(dispatcher, pictures)
        return []


class AskPicturePasswordConfirmation(Action):
    """Ask for the same 4 pictures again, in a new order."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_picture_password_confirmation_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the prompt and a reshuffled keyboard."""
        pictures = await in_thread(current_bank().mini_registration.password_pictures)
        utter(dispatcher, "utter_ask_picture_password_confirmation_ref")
        send_picture_password_keyboard(dispatcher, pictures)
        return []


class FinishMiniRegistration(Action):
    """Create the child's user once every step is done."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_finish_mini_registration"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Complete the journey in the bank and tell the result."""
        journey = current_bank().mini_registration
        if await in_thread(journey.current_step, sender_id=tracker.sender_id) != "finish":
            return cleared(FORM)
        outcome = await in_thread(journey.complete, sender_id=tracker.sender_id)
        if outcome.code == MiniCode.COMPLETED:
            dispatcher.utter_message(
                json_message={
                    "type": "picture",
                    "id": str(outcome.data.get("avatar", "")),
                    "caption": "",
                }
            )
            utter(dispatcher, "utter_mini_user_created", outcome.data)
            return cleared(FORM)
        replies: Replies = {
            MiniCode.USERNAME_TAKEN: "utter_mini_username_taken_meanwhile",
            MiniCode.NO_VALID_CODE: "utter_mini_code_needed_again",
        }
        if outcome.code in replies:
            utter(dispatcher, replies[outcome.code], outcome.data)
            return [*cleared(FORM), FollowupAction(FORM.name)]
        return cleared(FORM)


class MiniRegistrationGoBack(GoBackInJourney):
    """ "Regresar" inside the child's registration."""

    action_name = "action_mini_registration_go_back"
    form = FORM
    journey = staticmethod(lambda: current_bank().mini_registration.go_back)
    replies = MappingProxyType({MiniCode.OK: "utter_mini_went_back"})
    default_reply = "utter_mini_cannot_go_back"


class CancelMiniRegistration(CancelJourney):
    """ "Cancelar" inside the child's registration."""

    action_name = "action_cancel_mini_registration"
    form = FORM
    default_reply = "utter_mini_registration_cancelled"
