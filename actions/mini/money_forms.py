"""The child's multi-step Cuenta Mini requests: a new goal, asking for money, a withdrawal.

Plain Rasa forms: each answer is checked by the bank as it comes (so the child hears at once that
an amount is too high), and the submit action makes the one bank call that counts. A one-word
answer NLU read as something else is still the answer when it passes the step's rule
(actions/common/token_answers.py). When the child's session ended meanwhile, or nothing more can
be asked today, the validation fills the form with STOP so it ends, and the submit action only
clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.answers import is_button_payload
from actions.common.bank_access import current_bank, in_thread
from actions.common.money import amount_refusal, dollars
from actions.common.replies import Replies, button, utter
from actions.common.token_answers import TakesOneWordAnswers
from actions.mini.keyboards import send_image_choice
from actions.mini.money_child import celebrate, menu_button, money_data, show_goal
from bank.mini.outcome import MiniCode

STOP: Final = "__stop__"
GOAL_SLOTS: Final = ("goal_name", "goal_amount", "goal_picture")
MONEY_SLOTS: Final = ("money_amount", "money_reason")
WITHDRAWAL_SLOTS: Final = ("withdrawal_amount",)


def stopped(slots: tuple[str, ...]) -> dict[str, Any]:
    """Fill every slot of the form with STOP so it ends without another question."""
    return {slot: STOP for slot in slots}


def cleared(slots: tuple[str, ...]) -> list[EventType]:
    """Empty the form's slots (the bank keeps what counts)."""
    return [SlotSet(slot, None) for slot in slots]


def is_stopped(tracker: Tracker, slots: tuple[str, ...]) -> bool:
    """Whether the form ended without a request."""
    return any(tracker.get_slot(slot) == STOP for slot in slots)


def signed_out_stop(dispatcher: CollectingDispatcher, slots: tuple[str, ...]) -> dict[str, Any]:
    """The child's session ended mid-form: say so and end the form."""
    utter(dispatcher, "utter_mini_child_signed_out")
    return stopped(slots)


def reject(
    dispatcher: CollectingDispatcher, slot: str, response: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Tell what is wrong with the answer; the slot is asked again."""
    utter(dispatcher, response, money_data(data))
    return {slot: None}


class ValidateGoalForm(TakesOneWordAnswers):
    """ "Nueva meta": name, amount, picture."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "validate_mini_goal_form"

    async def validate_goal_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A name of 1 to 30 characters."""
        from bank.mini.goals import check_goal_name

        if is_button_payload(value):
            return reject(dispatcher, "goal_name", "utter_finish_current_first", {})
        outcome = check_goal_name(str(value or ""))
        if outcome.code != MiniCode.OK:
            reason = outcome.data.get("reason", "empty")
            return reject(
                dispatcher, "goal_name", f"utter_invalid_goal_name_{reason}", outcome.data
            )
        return {"goal_name": outcome.data["name"]}

    async def validate_goal_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An exact amount up to the goal maximum."""
        from bank.mini.goals import check_goal_amount

        outcome = check_goal_amount(str(value or ""))
        if outcome.code != MiniCode.OK:
            reason = outcome.data.get("reason", "amount")
            response = amount_refusal(value, f"utter_invalid_goal_amount_{reason}")
            return reject(dispatcher, "goal_amount", response, outcome.data)
        return {"goal_amount": outcome.data["amount"]}

    async def validate_goal_picture(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """One of the goal pictures (tapped)."""
        known = {picture for picture, _ in current_bank().mini_goals.pictures()}
        if str(value) not in known:
            return reject(dispatcher, "goal_picture", "utter_invalid_goal_picture", {})
        return {"goal_picture": str(value)}


class AskGoalPicture(Action):
    """The picture keyboard of a new goal."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_goal_picture"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask and send the 8 pictures."""
        utter(dispatcher, "utter_ask_goal_picture")
        send_image_choice(dispatcher, "mini_goal_picture", current_bank().mini_goals.pictures())
        return []


class SubmitGoal(Action):
    """Create the goal and show its progress."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_submit_goal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """One bank call; the form's answers are cleared either way."""
        if is_stopped(tracker, GOAL_SLOTS):
            return cleared(GOAL_SLOTS)
        bank = current_bank()
        outcome = await in_thread(
            bank.mini_goals.create,
            sender_id=tracker.sender_id,
            name=str(tracker.get_slot("goal_name") or ""),
            amount=str(tracker.get_slot("goal_amount") or ""),
            picture=str(tracker.get_slot("goal_picture") or ""),
        )
        if outcome.code == MiniCode.CREATED:
            goal = outcome.data["goal"]
            utter(dispatcher, "utter_mini_goal_created", money_data(goal))
            show_goal(dispatcher, domain, goal)
            if goal["reached"]:
                music = await in_thread(bank.mini_music.is_on, sender_id=tracker.sender_id)
                celebrate(dispatcher, "goal", bool(music.data.get("music_on", True)))
            else:
                utter(dispatcher, "utter_mini_goal_next")
        elif outcome.code == MiniCode.TOO_MANY:
            utter(
                dispatcher, "utter_mini_goal_too_many", outcome.data, buttons=[menu_button(domain)]
            )
        elif outcome.code == MiniCode.SIGNED_OUT:
            utter(dispatcher, "utter_mini_child_signed_out")
        else:
            utter(dispatcher, "utter_mini_goal_not_created")
        return cleared(GOAL_SLOTS)


class ValidateMoneyRequestForm(TakesOneWordAnswers):
    """ "Pedir dinero": amount (within the limits), then what it is for."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "validate_mini_money_request_form"

    async def validate_money_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Checked against the per-request and per-day limits."""
        outcome = await in_thread(
            current_bank().mini_requests.check_money_amount,
            sender_id=tracker.sender_id,
            text=str(value or ""),
        )
        if outcome.code == MiniCode.OK:
            return {"money_amount": outcome.data["amount"]}
        if outcome.code == MiniCode.SIGNED_OUT:
            return signed_out_stop(dispatcher, MONEY_SLOTS)
        if outcome.code == MiniCode.OVER_DAILY_LIMIT and outcome.data.get("left") == "0.00":
            utter(dispatcher, "utter_mini_daily_limit_reached", money_data(outcome.data))
            return stopped(MONEY_SLOTS)
        replies: Replies = {
            MiniCode.INVALID_AMOUNT: "utter_mini_amount_invalid",
            MiniCode.OVER_REQUEST_LIMIT: "utter_mini_over_request_limit",
            MiniCode.OVER_DAILY_LIMIT: "utter_mini_over_daily_limit",
        }
        response = amount_refusal(value, replies[outcome.code])
        return reject(dispatcher, "money_amount", response, outcome.data)

    async def validate_money_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A short reason (2 to 80 characters)."""
        from bank.mini.amounts import REASON_MAX, clean_text

        if is_button_payload(value):
            return reject(dispatcher, "money_reason", "utter_finish_current_first", {})
        reason = clean_text(value, maximum=REASON_MAX, minimum=2)
        if not reason.ok:
            response = f"utter_invalid_money_reason_{reason.reason}"
            return reject(dispatcher, "money_reason", response, {"max": REASON_MAX})
        return {"money_reason": reason.value}


class SubmitMoneyRequest(Action):
    """Send the request to the parent."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_submit_money_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """One bank call; the answers are cleared either way."""
        if is_stopped(tracker, MONEY_SLOTS):
            return cleared(MONEY_SLOTS)
        outcome = await in_thread(
            current_bank().mini_requests.ask_money,
            sender_id=tracker.sender_id,
            amount=str(tracker.get_slot("money_amount") or ""),
            reason=str(tracker.get_slot("money_reason") or ""),
        )
        replies: Replies = {
            MiniCode.ASKED: "utter_mini_money_asked",
            MiniCode.TOO_MANY_PENDING: "utter_mini_too_many_pending",
            MiniCode.OVER_DAILY_LIMIT: "utter_mini_over_daily_limit",
            MiniCode.OVER_REQUEST_LIMIT: "utter_mini_over_request_limit",
            MiniCode.SIGNED_OUT: "utter_mini_child_signed_out",
        }
        data = {**outcome.data, **(outcome.data.get("request") or {})}
        utter(dispatcher, replies.get(outcome.code, "utter_mini_amount_invalid"), money_data(data))
        return cleared(MONEY_SLOTS)


class AskWithdrawalAmount(Action):
    """How much to withdraw, with the balance and a "Todo" button."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_ask_withdrawal_amount"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask, or say there is nothing to withdraw yet."""
        outcome = await in_thread(
            current_bank().mini_requests.withdrawable, sender_id=tracker.sender_id
        )
        if outcome.code != MiniCode.OK:
            utter(dispatcher, "utter_mini_child_signed_out")
            return [SlotSet(slot, STOP) for slot in WITHDRAWAL_SLOTS]
        available = str(outcome.data["available"])
        if available == "0.00":
            utter(dispatcher, "utter_mini_nothing_to_withdraw", money_data(outcome.data))
            return [SlotSet(slot, STOP) for slot in WITHDRAWAL_SLOTS]
        everything = button(domain, "withdraw_all", available, {"available": dollars(available)})
        utter(
            dispatcher,
            "utter_ask_withdrawal_amount",
            money_data(outcome.data),
            buttons=[everything],
        )
        return []


class ValidateWithdrawalForm(TakesOneWordAnswers):
    """ "Retirar": an amount up to the balance not yet promised."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "validate_mini_withdrawal_form"

    async def validate_withdrawal_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Checked against the balance."""
        if value == STOP:
            return {"withdrawal_amount": STOP}
        outcome = await in_thread(
            current_bank().mini_requests.check_withdrawal_amount,
            sender_id=tracker.sender_id,
            text=str(value or ""),
        )
        if outcome.code == MiniCode.OK:
            return {"withdrawal_amount": outcome.data["amount"]}
        if outcome.code == MiniCode.SIGNED_OUT:
            return signed_out_stop(dispatcher, WITHDRAWAL_SLOTS)
        replies: Replies = {
            MiniCode.INVALID_AMOUNT: "utter_mini_amount_invalid",
            MiniCode.INSUFFICIENT_FUNDS: "utter_mini_withdrawal_insufficient",
        }
        response = amount_refusal(value, replies[outcome.code])
        return reject(dispatcher, "withdrawal_amount", response, outcome.data)


class SubmitWithdrawal(Action):
    """Ask the parent to approve the withdrawal."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_submit_withdrawal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """One bank call; the answer is cleared either way."""
        if is_stopped(tracker, WITHDRAWAL_SLOTS):
            return cleared(WITHDRAWAL_SLOTS)
        outcome = await in_thread(
            current_bank().mini_requests.ask_withdrawal,
            sender_id=tracker.sender_id,
            amount=str(tracker.get_slot("withdrawal_amount") or ""),
        )
        replies: Replies = {
            MiniCode.ASKED: "utter_mini_withdrawal_asked",
            MiniCode.INSUFFICIENT_FUNDS: "utter_mini_withdrawal_insufficient",
            MiniCode.TOO_MANY_PENDING: "utter_mini_too_many_pending",
            MiniCode.SIGNED_OUT: "utter_mini_child_signed_out",
        }
        data = {**outcome.data, **(outcome.data.get("request") or {})}
        utter(dispatcher, replies.get(outcome.code, "utter_mini_amount_invalid"), money_data(data))
        return cleared(WITHDRAWAL_SLOTS)


class CancelMoneyForm(Action):
    """ "Cancelar" inside a new goal, a money request or a withdrawal: nothing is asked."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_cancel_mini_money_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Leave the form and forget its answers."""
        utter(dispatcher, "utter_mini_money_form_cancelled")
        slots = (*GOAL_SLOTS, *MONEY_SLOTS, *WITHDRAWAL_SLOTS)
        return [*cleared(slots), ActiveLoop(None), SlotSet("requested_slot", None)]
