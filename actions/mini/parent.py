"""The parent's part ("Cuenta para mis hijos"): `parent_mini_form`.

Sign in with the online-banking username and password (and the Token digital code when it is
active), pick a child, "Genera código", and say where the child registers. The activation code
never reaches Rasa: the action boxes it and the channel shows it. The children's money requests
waiting for a decision are listed at the child step and right after a sign-in; a child with a user
also offers its balance and missions (`actions/mini/parent_money.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.answers import Answer, take_secret
from actions.common.bank_access import current_bank, in_thread
from actions.common.journey_actions import CancelJourney, ForgetJourneyAnswers
from actions.common.journey_form import (
    JourneyForm,
    JourneyFormValidation,
    JourneyService,
    cleared,
)
from actions.common.replies import Replies, tell, utter
from actions.mini.parent_money import list_pending
from bank.mini.outcome import MiniCode

if TYPE_CHECKING:
    from bank.outcome import Outcome

CHILD_REF_PAYLOAD = '/inform{{"child_ref": "{ref}"}}'

SIGN_IN_REPLIES: Replies = {
    MiniCode.SIGNED_IN: "utter_parent_signed_in",
    MiniCode.WRONG: "utter_parent_sign_in_wrong",
    MiniCode.LOCKED: "utter_parent_sign_in_locked",
    MiniCode.HELD: "utter_parent_sign_in_held",
}
TOKEN_REPLIES: Replies = {
    MiniCode.SIGNED_IN: "utter_parent_signed_in",
    MiniCode.WRONG: "utter_parent_token_wrong",
    MiniCode.INVALID: "utter_parent_token_invalid",
    MiniCode.LOCKED: "utter_parent_sign_in_locked",
    MiniCode.HELD: "utter_parent_sign_in_held",
    MiniCode.EXPIRED: "utter_parent_token_expired",
}
CHILD_REPLIES: Replies = {
    MiniCode.PENDING: "utter_parent_child_pending",
    MiniCode.UNKNOWN: "utter_parent_child_unknown",
    MiniCode.SIGNED_OUT: "utter_parent_signed_out",
}
UNLOCK_REPLIES: Replies = {
    MiniCode.UNLOCKED: "utter_parent_child_unlocked",
    MiniCode.NOT_LOCKED: "utter_parent_child_not_locked",
    MiniCode.UNKNOWN: "utter_parent_child_unknown",
    MiniCode.SIGNED_OUT: "utter_parent_signed_out",
}
GENERATE_REPLIES: Replies = {
    MiniCode.UNKNOWN: "utter_parent_child_unknown",
    MiniCode.NOT_APPROVED: "utter_parent_child_pending",
    MiniCode.TOO_MANY_CODES: "utter_parent_too_many_codes",
    MiniCode.SIGNED_OUT: "utter_parent_signed_out",
}


def service() -> JourneyService:
    """The bank's parent journey."""
    return current_bank().parent_mini


async def enter_username(answer: Answer) -> None:
    """The online-banking username (checked with the password)."""
    outcome = await in_thread(
        current_bank().parent_mini.submit_username,
        sender_id=answer.sender_id,
        text=str(answer.value),
    )
    tell(answer.dispatcher, outcome, {MiniCode.INVALID: "utter_invalid_parent_username"})


async def after_sign_in(answer: Answer, outcome: Outcome) -> None:
    """Signed in straight to a child (one chosen before the session ended): the requests waiting
    for a decision are listed here, since the child step that lists them is skipped."""
    if outcome.code == MiniCode.SIGNED_IN and outcome.step == "child_action":
        await list_pending(answer.dispatcher, answer.domain, answer.sender_id)


async def enter_password(answer: Answer) -> None:
    """The online-banking password, boxed by the channel."""
    password = await take_secret(answer, "password")
    if password is None:
        return
    outcome = await in_thread(
        current_bank().parent_mini.submit_password, sender_id=answer.sender_id, password=password
    )
    tell(answer.dispatcher, outcome, SIGN_IN_REPLIES)
    await after_sign_in(answer, outcome)


async def enter_token(answer: Answer) -> None:
    """The Token digital's current code, boxed by the channel."""
    code = await take_secret(answer, "otp")
    if code is None:
        return
    outcome = await in_thread(
        current_bank().parent_mini.submit_token, sender_id=answer.sender_id, code=code
    )
    tell(answer.dispatcher, outcome, TOKEN_REPLIES)
    await after_sign_in(answer, outcome)


async def choose_child(answer: Answer) -> None:
    """A child by button (its reference) or by typed name."""
    outcome = await in_thread(
        current_bank().parent_mini.submit_child, sender_id=answer.sender_id, text=str(answer.value)
    )
    if outcome.code == MiniCode.OK and outcome.data.get("has_user"):
        utter(answer.dispatcher, "utter_parent_child_has_user", outcome.data)
        return
    tell(answer.dispatcher, outcome, CHILD_REPLIES)


async def generate_and_show(sender_id: str, dispatcher: CollectingDispatcher) -> None:
    """Generate the chosen child's code; only a secret-box reference goes back through Rasa."""
    bank = current_bank()
    outcome = await in_thread(bank.parent_mini.generate_code, sender_id=sender_id)
    if outcome.code != MiniCode.ISSUED or outcome.secret is None:
        tell(dispatcher, outcome, GENERATE_REPLIES)
        return
    ref = await in_thread(
        bank.secret_box.put, sender_id=sender_id, kind="activation_code", value=outcome.secret
    )
    dispatcher.utter_message(
        json_message={
            "type": "activation_code",
            "ref": ref,
            "child": str(outcome.data.get("child_first_name", "")),
            "minutes": int(outcome.data.get("minutes", 10)),
        }
    )


async def decide(answer: Answer) -> None:
    """Genera código, here, a link for another Telegram account, unlock the child's sign-in,
    another child, or done."""
    journey = current_bank().parent_mini
    sender_id, dispatcher = answer.sender_id, answer.dispatcher
    if answer.value == "generate":
        await generate_and_show(sender_id, dispatcher)
    elif answer.value == "here":
        outcome = await in_thread(journey.register_here, sender_id=sender_id)
        tell(
            dispatcher,
            outcome,
            {
                MiniCode.OK: "utter_parent_register_here",
                MiniCode.NO_CODE: "utter_parent_no_code_yet",
                MiniCode.ALREADY_HAS_USER: "utter_parent_child_has_user",
            },
        )
    elif answer.value == "link":
        outcome = await in_thread(journey.summary, sender_id=sender_id)
        utter(dispatcher, "utter_parent_share_link", outcome.data)
        dispatcher.utter_message(json_message={"type": "deep_link", "start": "mini"})
    elif answer.value == "unlock":
        outcome = await in_thread(journey.unlock_child, sender_id=sender_id)
        tell(dispatcher, outcome, UNLOCK_REPLIES)
    elif answer.value == "other":
        await in_thread(journey.pick_other_child, sender_id=sender_id)
    else:
        await in_thread(journey.finish, sender_id=sender_id)
        utter(dispatcher, "utter_parent_mini_done")


FORM = JourneyForm(
    name="parent_mini_form",
    service=service,
    slot_for_step={
        "username": "parent_username",
        "password": "parent_password_ref",
        "token": "parent_token_ref",
        "child": "parent_child",
        "child_action": "parent_choice",
    },
    handlers={
        "parent_username": enter_username,
        "parent_password_ref": enter_password,
        "parent_token_ref": enter_token,
        "parent_child": choose_child,
        "parent_choice": decide,
    },
    restarted_response="utter_parent_restarted_inactive",
)


class ValidateParentMiniForm(JourneyFormValidation):
    """Validation of `parent_mini_form`."""

    form = FORM


class StartParentMini(Action):
    """Open "Cuenta para mis hijos"; from a child's request, generate at once when signed in."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_start_parent_mini"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Start or resume; greet a parent already signed in by name."""
        child_ref = next(tracker.get_latest_entity_values("child_ref"), None)
        journey = current_bank().parent_mini
        outcome = await in_thread(
            journey.start,
            sender_id=tracker.sender_id,
            child_ref=str(child_ref) if child_ref else None,
        )
        if outcome.data.get("first_name"):
            utter(dispatcher, "utter_parent_signed_in_already", outcome.data)
        else:
            utter(dispatcher, "utter_parent_mini_started")
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent == "generate_code" and child_ref and outcome.step == "child_action":
            await generate_and_show(tracker.sender_id, dispatcher)
        return cleared(FORM)


class AskParentChild(Action):
    """The requests waiting for a decision first; then one button per child (a child whose
    account is in approval says so)."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_parent_child"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List the pending requests and the parent's children from the bank."""
        await list_pending(dispatcher, domain, tracker.sender_id)
        children = await in_thread(current_bank().parent_mini.children, sender_id=tracker.sender_id)
        if not children:
            utter(dispatcher, "utter_parent_no_children")
            return []
        buttons = []
        for child in children:
            title = child.name if child.approved else f"{child.name} ⏳"
            buttons.append({"title": title, "payload": CHILD_REF_PAYLOAD.format(ref=child.ref)})
        utter(dispatcher, "utter_ask_parent_child", buttons=buttons)
        return []


class AskParentChoice(Action):
    """ "Genera código" first; once a code is shown, where the child registers."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_parent_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask the choice that fits the journey's state."""
        summary = await in_thread(current_bank().parent_mini.summary, sender_id=tracker.sender_id)
        if summary.data.get("has_user") and summary.data.get("child_locked"):
            response = "utter_ask_parent_choice_has_user_locked"
        elif summary.data.get("has_user"):
            response = "utter_ask_parent_choice_has_user"
        elif summary.data.get("code_issued"):
            response = "utter_ask_parent_choice_where"
        else:
            response = "utter_ask_parent_choice_generate"
        utter(dispatcher, response, summary.data)
        return []


class FinishParentMini(ForgetJourneyAnswers):
    """The parent's form ended (done, here, locked): forget the answers."""

    action_name = "action_finish_parent_mini"
    form = FORM


class CancelParentMini(CancelJourney):
    """ "Cancelar" inside "Cuenta para mis hijos" (the parent stays signed in until idle): only
    a sign-in under way (password, token) has progress to lose."""

    action_name = "action_cancel_parent_mini"
    form = FORM
    default_reply = "utter_parent_mini_cancelled"
    steps_without_progress = frozenset({"username", "child", "child_action"})
