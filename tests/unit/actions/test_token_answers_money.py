"""One-word answers in the money and mission forms (issue 15): a single token that passes the
step's rule is the answer whatever intent NLU gave it ("ahorro" read as a question), as at the
registration's and Cuenta Mini's username steps; steering words, greetings and thanks, real
questions and the form asking again after an interruption are left to the interruption rules.

Each test runs the form's whole validation action (extraction, then validation) on a tracker
like the one Rasa sends when the slot mapping left the slot empty (the intent is in its
`not_intent` list)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common.token_answers import SOCIAL_INTENTS, TOKEN_RULES, TakesOneWordAnswers
from actions.mini import money_forms, parent_mission_form
from bank.bootstrap import Bank
from scripts.form_spec.forms import FORMS
from tests.support import mini_family as family

CHILD = "test:andrea"
PARENT = "test:carlos"
GOAL = money_forms.ValidateGoalForm()
MONEY = money_forms.ValidateMoneyRequestForm()
WITHDRAWAL = money_forms.ValidateWithdrawalForm()
MISSION = parent_mission_form.ValidateParentMissionForm()


def turn(
    form: str,
    slot: str,
    *,
    intent: str,
    text: str,
    sender: str = CHILD,
    slots: dict[str, Any] | None = None,
    extracted: dict[str, Any] | None = None,
    after: str | None = None,
    marked: str | None = None,
) -> Tracker:
    """The form's validation call for the user's latest message (with `after`: the form asking
    again after that action answered it); `extracted` are the slot mapping's candidates, `marked`
    the candidates' keys of the `ambiguous` entity NLU added."""
    events: list[dict[str, Any]] = [
        {"event": "active_loop", "name": form},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
    ]
    if after is not None:
        events.append({"event": "action", "name": after})
    events.append({"event": "action", "name": form})
    events += [{"event": "slot", "name": k, "value": v} for k, v in (extracted or {}).items()]
    return Tracker(
        sender_id=sender,
        slots={**(slots or {}), **(extracted or {}), "requested_slot": slot},
        latest_message={
            "intent": {"name": intent},
            "entities": [] if marked is None else [{"entity": "ambiguous", "value": marked}],
            "text": text,
        },
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form},
        latest_action_name=form,
    )


async def validate(
    action: TakesOneWordAnswers, track: Tracker, domain: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, track, domain)
    said = [m["response"] for m in dispatcher.messages if m.get("response")]
    return events, said


def set_slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def andrea(bank: Bank) -> Bank:
    family.sign_in_andrea(bank, chat=CHILD)
    return bank


async def test_a_goal_name_read_as_a_question_is_the_name(
    bank: Bank, domain: dict[str, Any]
) -> None:
    track = turn("mini_goal_form", "goal_name", intent="faq", text="ahorro")
    events, said = await validate(GOAL, track, domain)
    assert set_slots(events) == {"goal_name": "ahorro"}
    assert said == []


async def test_an_amount_read_as_something_else_is_checked_by_the_bank(
    andrea: Bank, domain: dict[str, Any]
) -> None:
    track = turn("mini_money_request_form", "money_amount", intent="faq", text="$5")
    events, _ = await validate(MONEY, track, domain)
    assert set_slots(events) == {"money_amount": "5.00"}
    over = turn("mini_money_request_form", "money_amount", intent="greet", text="500")
    events, said = await validate(MONEY, over, domain)
    assert set_slots(events) == {"money_amount": None}, "a digit is never a greeting"
    assert said == ["utter_mini_over_request_limit"]


async def test_a_reason_and_a_withdrawal_in_one_word(andrea: Bank, domain: dict[str, Any]) -> None:
    reason = turn(
        "mini_money_request_form",
        "money_reason",
        intent="start_registration",
        text="registro",
        slots={"money_amount": "5.00"},
    )
    events, _ = await validate(MONEY, reason, domain)
    assert set_slots(events) == {"money_reason": "registro"}
    # Andrea has $10,00 to take out.
    track = turn("mini_withdrawal_form", "withdrawal_amount", intent="faq", text="cinco")
    events, said = await validate(WITHDRAWAL, track, domain)
    assert set_slots(events) == {"withdrawal_amount": "5.00"} and said == []
    track = turn("mini_withdrawal_form", "withdrawal_amount", intent="faq", text="$20")
    events, said = await validate(WITHDRAWAL, track, domain)
    assert set_slots(events) == {"withdrawal_amount": None}
    assert said == ["utter_mini_withdrawal_insufficient"]


async def test_a_mission_title_and_reward_in_one_word(bank: Bank, domain: dict[str, Any]) -> None:
    child = {"mission_child_ref": "some-child"}
    title = turn(
        "parent_mission_form",
        "mission_title",
        intent="faq",
        text="Barrer",
        sender=PARENT,
        slots=child,
    )
    events, _ = await validate(MISSION, title, domain)
    assert set_slots(events) == {"mission_title": "Barrer"}
    reward = turn(
        "parent_mission_form",
        "mission_reward",
        intent="unlock_child",
        text="2",
        sender=PARENT,
        slots={**child, "mission_title": "Barrer"},
    )
    events, _ = await validate(MISSION, reward, domain)
    assert set_slots(events) == {"mission_reward": "2.00"}


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("thank", "gracias"),  # passes the rule, but only thanks
        ("greet", "hola"),
        ("goodbye", "chao"),
        ("affirm", "dale"),
        ("cancel", "cancelar"),  # steers
        ("keep_going", "sigamos"),
        ("show_help", "ayuda"),
        ("faq", "¿cómo ahorro para una meta?"),  # a real question: several words
        ("typed_command", "/start"),
    ],
)
async def test_words_of_conversation_and_questions_are_not_taken(
    bank: Bank, domain: dict[str, Any], intent: str, text: str
) -> None:
    track = turn("mini_goal_form", "goal_name", intent=intent, text=text)
    events, said = await validate(GOAL, track, domain)
    assert set_slots(events) == {}, "nothing validated: the form rejects, a rule answers"
    assert said == []


async def test_asked_again_after_an_interruption_the_message_is_not_taken(
    bank: Bank, domain: dict[str, Any]
) -> None:
    track = turn("mini_goal_form", "goal_name", intent="faq", text="ahorro", after="utter_faq")
    events, _ = await validate(GOAL, track, domain)
    assert set_slots(events) == {}


async def test_a_value_the_slot_mapping_took_is_validated_as_it_came(
    bank: Bank, domain: dict[str, Any]
) -> None:
    track = turn(
        "mini_goal_form",
        "goal_name",
        intent="out_of_scope",
        text="  mi   bici ",
        extracted={"goal_name": "  mi   bici "},
    )
    events, _ = await validate(GOAL, track, domain)
    assert set_slots(events) == {"goal_name": "mi bici"}


async def test_a_one_word_answer_that_fails_the_rule_is_left_to_the_rules(
    bank: Bank, domain: dict[str, Any]
) -> None:
    track = turn("mini_goal_form", "goal_amount", intent="faq", text="ahorro")
    events, said = await validate(GOAL, track, domain)
    assert set_slots(events) == {} and said == []


def test_every_free_text_slot_of_every_form_has_a_rule() -> None:
    text_slots = {slot for form in FORMS for slot in form.text_slots}
    # A child's name at parent_child is chosen with buttons: no format rule to check it by.
    assert text_slots - set(TOKEN_RULES) == {"parent_child"}
    assert set(TOKEN_RULES) <= text_slots
    assert {"greet", "thank", "goodbye", "affirm", "deny"} == SOCIAL_INTENTS
    for validation in (GOAL, MONEY, WITHDRAWAL, MISSION):
        assert isinstance(validation, TakesOneWordAnswers)


# A marked, unclear message the slot mapping took ---------------------------------------------

REJECTED = {"event": "action_execution_rejected", "name": "mini_withdrawal_form"}


async def test_a_marked_unclear_message_that_is_no_amount_is_refused(
    andrea: Bank, domain: dict[str, Any]
) -> None:
    text = "cómo saco mi plata si me olvidé la clave"
    track = turn(
        "mini_withdrawal_form",
        "withdrawal_amount",
        intent="nlu_fallback",
        text=text,
        extracted={"withdrawal_amount": text},
        marked="faq/mini_withdrawals faq/mini_forgot_picture_password",
    )
    events, said = await validate(WITHDRAWAL, track, domain)
    assert said == [], "no «monto inválido»: the form's rule asks which one"
    assert set_slots(events) == {"withdrawal_amount": None}
    assert [{k: e.get(k) for k in ("event", "name")} for e in events if e["event"] != "slot"] == [
        REJECTED
    ]


async def test_unmarked_or_fitting_messages_are_validated_as_before(
    andrea: Bank, domain: dict[str, Any]
) -> None:
    text = "cómo saco mi plata"
    unmarked = turn(
        "mini_withdrawal_form",
        "withdrawal_amount",
        intent="nlu_fallback",
        text=text,
        extracted={"withdrawal_amount": text},
    )
    events, said = await validate(WITHDRAWAL, unmarked, domain)
    assert said == ["utter_mini_amount_invalid"]
    assert all(e["event"] == "slot" for e in events)
    amount = turn(
        "mini_withdrawal_form",
        "withdrawal_amount",
        intent="nlu_fallback",
        text="cinco dólares",
        extracted={"withdrawal_amount": "cinco dólares"},
        marked="faq/mini_withdrawals faq/mini_limits",
    )
    events, _ = await validate(WITHDRAWAL, amount, domain)
    assert set_slots(events) == {"withdrawal_amount": "5.00"}, "it passes the rule: the answer"
    name = turn(
        "mini_goal_form",
        "goal_name",
        intent="nlu_fallback",
        text="mi clave no funciona",
        extracted={"goal_name": "mi clave no funciona"},
        marked="faq/forgot_credentials faq/pin_where",
    )
    events, _ = await validate(GOAL, name, domain)
    assert set_slots(events) == {"goal_name": "mi clave no funciona"}, "any words are a name"
