"""A one-word answer at a free-text step is the answer when it passes the step's rule, whatever
intent NLU gave it ("andreanavegador" read as a question); real questions, steering words and
the form asking again after an interruption are left to the interruption rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk.events import SlotSet

from actions.common.journey_form import JourneyFormValidation
from actions.common.token_answers import STEERING_INTENTS, TOKEN_RULES, single_token
from actions.registration.form import FORM, ValidateRegistrationForm
from bank.bootstrap import Bank
from bank.outbox import read_outbox
from bank.registration import Step
from scripts.form_spec.forms import FORMS
from tests.unit.actions.test_cancel_confirmation import turn, validate
from tests.unit.actions.test_registration_actions import SENDER, requested, responses, start


def step(bank: Bank) -> Any:
    return bank.registration.current_step(sender_id=SENDER)


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("andreanavegador", "andreanavegador"),
        ("  comoestas88 ", "comoestas88"),
        ("cómo creo mi usuario?", None),
        ("/faq", None),
        ("", None),
    ],
)
def test_single_token(text: str, token: str | None) -> None:
    assert single_token(text) == token


async def test_a_username_with_a_question_word_is_taken(bank: Bank, domain: dict) -> None:
    await reach_username(bank, domain)
    events, dispatcher = await validate(
        ValidateRegistrationForm(), turn(FORM, intent="faq", text="comoestas88"), domain
    )
    assert responses(dispatcher) == ["utter_username_available"]
    assert SlotSet("username", None) in events, "a validated slot: the form does not reject"
    assert requested(events) == "username_confirmation"
    assert step(bank) == Step.USERNAME_CONFIRMATION


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("faq", "cómo creo mi usuario?"),  # a real question: several words
        ("faq", "¿dónde?"),  # one word that fails the rule
        ("cancel", "cancelar"),  # passes the rule, but steers
        ("keep_going", "continuar"),
        ("go_back", "regresar"),
        ("request_human", "asesor"),
        # Passes the username rule, but only thanks or says yes (issue 15: the registration's
        # text steps no longer take them as typed answers).
        ("thank", "gracias"),
        ("affirm", "perfecto"),
    ],
)
async def test_questions_and_steering_words_are_not_taken(
    bank: Bank, domain: dict, intent: str, text: str
) -> None:
    await reach_username(bank, domain)
    events, dispatcher = await validate(
        ValidateRegistrationForm(), turn(FORM, intent=intent, text=text), domain
    )
    assert [e for e in events if e.get("name") != "requested_slot"] == [], "the form rejects"
    assert responses(dispatcher) == []
    assert step(bank) == Step.USERNAME


async def test_a_username_with_a_digit_is_never_a_greeting(bank: Bank, domain: dict) -> None:
    await reach_username(bank, domain)
    events, dispatcher = await validate(
        ValidateRegistrationForm(), turn(FORM, intent="greet", text="hola2024"), domain
    )
    assert responses(dispatcher) == ["utter_username_available"]
    assert requested(events) == "username_confirmation"


async def test_asked_again_after_an_interruption_the_message_is_not_taken(
    bank: Bank, domain: dict
) -> None:
    await reach_username(bank, domain)
    events, _ = await validate(
        ValidateRegistrationForm(),
        turn(FORM, intent="greet", text="buenasnoches", after="utter_greet"),
        domain,
    )
    assert requested(events) == "username"
    assert step(bank) == Step.USERNAME


async def test_a_cedula_read_as_something_else_is_taken(bank: Bank, domain: dict) -> None:
    await start(domain)
    events, _ = await validate(
        ValidateRegistrationForm(), turn(FORM, intent="out_of_scope", text="1710034065"), domain
    )
    assert requested(events) == "pin_ref"
    assert step(bank) == Step.PIN


def test_every_free_text_slot_of_a_journey_form_has_a_rule() -> None:
    journey_forms = {
        cls.form.name: cls.form
        for cls in _subclasses(JourneyFormValidation)
        if isinstance(getattr(cls, "form", None), type(FORM))
    }
    text_slots = {slot for spec in FORMS if spec.name in journey_forms for slot in spec.text_slots}
    # A child's name at parent_child is chosen with buttons: no format rule to check it by.
    assert text_slots - set(TOKEN_RULES) == {"parent_child"}
    assert {"cancel", "go_back", "keep_going"} <= STEERING_INTENTS


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


async def reach_username(bank: Bank, domain: dict[str, Any]) -> None:
    """The registration at its username step (the bank driven directly)."""
    await start(domain)
    registration = bank.registration
    registration.submit_identity_number(sender_id=SENDER, text="1710034065")
    registration.submit_pin(sender_id=SENDER, pin="1234")
    registration.request_otp(sender_id=SENDER)
    sms = read_outbox(bank.sessions, to="0991234567")[-1].body
    code = re.search(r"\b(\d{6})\b", sms)
    assert code is not None
    registration.submit_otp(sender_id=SENDER, code=code.group(1))
    assert step(bank) == Step.USERNAME


def marked_turn(text: str, *, intent: str = "nlu_fallback", marked: bool = True) -> Any:
    """The username step's validation call for a message the slot mapping took as text."""
    track = turn(FORM, intent=intent, text=text)
    if marked:
        keys = "faq/forgot_credentials faq/mini_forgot_picture_password"
        track.latest_message["entities"] = [{"entity": "ambiguous", "value": keys}]
    track.events.append({"event": "slot", "name": "username", "value": text})
    track.slots["username"] = text
    return track


async def test_a_marked_unclear_message_is_not_handed_to_the_bank(bank: Bank, domain: dict) -> None:
    await reach_username(bank, domain)
    events, dispatcher = await validate(
        ValidateRegistrationForm(), marked_turn("mi usuario ya no sirve"), domain
    )
    assert responses(dispatcher) == [], "no «usuario inválido»: the form's rule asks which one"
    assert {"event": "action_execution_rejected", "name": FORM.name} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert SlotSet("username", None) in events
    assert step(bank) == Step.USERNAME


async def test_unmarked_or_valid_messages_still_reach_the_bank(bank: Bank, domain: dict) -> None:
    await reach_username(bank, domain)
    events, dispatcher = await validate(
        ValidateRegistrationForm(), marked_turn("mi usuario ya no sirve", marked=False), domain
    )
    assert responses(dispatcher) == ["utter_invalid_username_bad_chars"]
    assert all(e.get("event") != "action_execution_rejected" for e in events)
    # A marked message of an intent the step takes as a typed value ("inform") is its answer.
    events, dispatcher = await validate(
        ValidateRegistrationForm(), marked_turn("mjandrade2024", intent="inform"), domain
    )
    assert responses(dispatcher) == ["utter_username_available"]
    assert step(bank) == Step.USERNAME_CONFIRMATION
