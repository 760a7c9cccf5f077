"""The journeys' common actions come from actions/common/journey_actions.py, and the money lines
of both Cuenta Mini views from actions/mini/money_lines.py."""

from __future__ import annotations

import inspect
from typing import Any

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from actions.common import journey_actions
from actions.common.journey_actions import (
    CancelJourney,
    ForgetJourneyAnswers,
    GoBackInJourney,
    JourneyAction,
    StartJourney,
)
from actions.mini.money_lines import CHILD_LINES, PARENT_LINES, movement_line, request_line

BASES = (JourneyAction, StartJourney, GoBackInJourney, CancelJourney, ForgetJourneyAnswers)


def test_the_bases_are_abstract_and_never_registered() -> None:
    assert all(inspect.isabstract(base) for base in BASES)
    executor = ActionExecutor()
    executor.register_package("actions")
    built = [
        cls
        for cls in _subclasses(Action)
        if issubclass(cls, BASES) and cls.__module__ != journey_actions.__name__
    ]
    assert {cls().name() for cls in built} == {
        "action_start_registration",
        "action_registration_go_back",
        "action_cancel_registration",
        "action_start_mini_registration",
        "action_mini_registration_go_back",
        "action_cancel_mini_registration",
        "action_start_mini_sign_in",
        "action_cancel_mini_sign_in",
        "action_finish_mini_sign_in",
        "action_cancel_parent_mini",
        "action_finish_parent_mini",
    }
    assert all(cls().name() in executor.actions for cls in built)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


DOMAIN: dict[str, Any] = {
    "responses": {
        "utter_mini_movement_other": [{"text": "{signed}{memo}"}],
        "utter_parent_movement_other": [{"text": "{signed}{memo}"}],
        "utter_mini_request_gift": [{"text": "gift {amount}: {state}"}],
        "utter_mini_request_state_lost": [{"text": "lost"}],
        "utter_parent_request_line_money": [{"text": "money {amount}: {state}"}],
        "utter_parent_request_state_pending": [{"text": "pending"}],
    }
}


def test_each_view_frames_a_memo_its_own_way() -> None:
    movement = {"amount": "2.50", "kind": "bonus", "memo": "premio", "balance_after": "5.00"}
    assert movement_line(DOMAIN, movement, CHILD_LINES) == "+$2,50 (premio)"
    assert movement_line(DOMAIN, movement, PARENT_LINES) == "+$2,50 «premio»"


def test_only_the_parent_tells_an_unknown_request_as_a_pending_money_request() -> None:
    request = {"kind": "gift", "state": "lost", "amount": "1.00"}
    assert request_line(DOMAIN, request, CHILD_LINES) == "gift $1,00: lost"
    assert request_line(DOMAIN, request, PARENT_LINES) == "money $1,00: pending"
