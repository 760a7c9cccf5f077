"""Finding 13: amounts typed with spaces were joined ("5 dólares 50" became $550.00).

Every typed amount goes through one parser (`bank.mini.amounts.read_typed_amount`): it reads
the usual ways to write one number and refuses anything that could be read two ways, and the
forms answer with a message that shows how to write it.
"""

from __future__ import annotations

import inspect
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common.replies import phrase
from actions.mini.money_forms import (
    ValidateGoalForm,
    ValidateMoneyRequestForm,
    ValidateWithdrawalForm,
)
from actions.mini.parent_mission_form import ValidateParentMissionForm
from bank.bootstrap import Bank
from bank.mini.amounts import read_amount
from bank.mini.goals import check_goal_amount
from formats.domain_files import load_domain
from tests.support.mini_family import sign_in_andrea

CHILD = "test:andrea"
PARENT = "test:carlos"
ACCEPTED = {
    "5": "5.00",
    "5,50": "5.50",
    "5.50": "5.50",
    "5,5": "5.50",
    "$5,50": "5.50",
    "$ 5": "5.00",
    "5$": "5.00",
    "5 dólares": "5.00",
    "5 USD": "5.00",
    "unos 5 dólares.": "5.00",
    "cinco": "5.00",
    "cinco dólares": "5.00",
    "un dólar": "1.00",
    "25,50": "25.50",
    "10.00": "10.00",
}
AMBIGUOUS = (
    "5 dólares 50",
    "5 50",
    "5 y 50",
    "5 dólares con 50 centavos",
    "50 centavos",
    "1.000",
    "1.234,50",
    "5 o 6",
    "cinco 50",
)


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    loaded: dict[str, Any] = load_domain()
    return loaded


def tracker(sender: str) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={},
        latest_message={"intent": {"name": "inform"}, "entities": [], "text": "…"},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def told(dispatcher: CollectingDispatcher, domain: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(m["response"]), phrase(domain, str(m["response"])))
        for m in dispatcher.messages
        if m.get("response")
    ]


def test_typed_amounts_are_read_one_way_or_refused_as_ambiguous() -> None:
    read = {typed: read_amount(typed) for typed in (*ACCEPTED, *AMBIGUOUS)}
    expected = {typed: Decimal(value) for typed, value in ACCEPTED.items()}
    expected.update(dict.fromkeys(AMBIGUOUS))
    assert read == expected


def test_five_dollars_fifty_with_a_space_is_not_a_goal_of_550() -> None:
    outcome = check_goal_amount("5 dólares 50")
    assert (outcome.code, outcome.data) == ("invalid", {"reason": "amount"})


def test_a_child_cannot_ask_for_50_dollars_by_typing_5_0(action_bank: Bank) -> None:
    sign_in_andrea(action_bank, chat=CHILD)
    asked = action_bank.mini_requests.check_money_amount(sender_id=CHILD, text="5 0")
    assert asked.code == "invalid_amount"


def test_a_child_cannot_withdraw_10_dollars_by_typing_1_0(action_bank: Bank) -> None:
    sign_in_andrea(action_bank, chat=CHILD)
    withdrawn = action_bank.mini_requests.check_withdrawal_amount(sender_id=CHILD, text="1 0")
    assert withdrawn.code == "invalid_amount"


def test_a_parent_cannot_set_a_reward_typed_as_2_50_with_a_space(action_bank: Bank) -> None:
    assert action_bank.mini_missions.check_reward("2 50").code == "invalid_amount"


async def test_every_amount_form_answers_an_ambiguous_amount_with_how_to_write_it(
    action_bank: Bank, domain: dict[str, Any]
) -> None:
    sign_in_andrea(action_bank, chat=CHILD)
    forms = (
        ("goal_amount", ValidateGoalForm().validate_goal_amount, CHILD),
        ("money_amount", ValidateMoneyRequestForm().validate_money_amount, CHILD),
        ("withdrawal_amount", ValidateWithdrawalForm().validate_withdrawal_amount, CHILD),
        ("mission_reward", ValidateParentMissionForm().validate_mission_reward, PARENT),
    )
    for slot, validate, sender in forms:
        dispatcher = CollectingDispatcher()
        result = validate("5 dólares 50", dispatcher, tracker(sender), domain)
        if inspect.isawaitable(result):
            result = await result
        assert result == {slot: None}, (slot, result)
        ((response, text),) = told(dispatcher, domain)
        assert response == "utter_amount_ambiguous", (slot, response)
        assert "5,50" in text and "{" not in text
