"""Cancelling a bank journey past its first step asks first (actions/common/cancel_confirmation.py):
Sí (or "cancelar" again) cancels as before, No or a word of going on asks the step again; at the
first step "cancelar" still cancels at once. One mechanism for the four journey forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.common import cancel_confirmation as cancelling
from actions.common.journey_actions import CancelJourney
from actions.common.journey_form import JourneyForm, JourneyFormValidation
from actions.mini import child_registration, child_sign_in, parent
from actions.registration.form import FORM, ValidateRegistrationForm
from actions.registration.lifecycle import CancelRegistration
from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import ANDREA
from bank.models import Journey
from bank.registration import Step
from tests.unit.actions.test_registration_actions import SENDER, requested, responses, start

FORMS: tuple[JourneyForm, ...] = (
    FORM,
    child_registration.FORM,
    child_sign_in.FORM,
    parent.FORM,
)


def turn(
    form: JourneyForm,
    *,
    intent: str,
    text: str = "…",
    pending: bool = False,
    sender: str = SENDER,
    after: str | None = None,
) -> Tracker:
    """The form's validation call for the user's latest message (or, with `after`, the form
    asking again after that action answered it)."""
    events: list[dict[str, Any]] = [
        {"event": "active_loop", "name": form.name},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
    ]
    if after is not None:
        events.append({"event": "action", "name": after})
    events.append({"event": "action", "name": form.name})
    slots: dict[str, Any] = {name: None for name in form.slots}
    slots[cancelling.PENDING_SLOT] = True if pending else None
    slots[cancelling.CONFIRMATION_SLOT] = None
    return Tracker(
        sender_id=sender,
        slots=slots,
        latest_message={"intent": {"name": intent}, "entities": [], "text": text},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form.name},
        latest_action_name=form.name,
    )


async def validate(
    validation: JourneyFormValidation, track: Tracker, domain: dict[str, Any]
) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return await validation.run(dispatcher, track, domain), dispatcher


async def cancel(
    action: CancelJourney, track: Tracker, domain: dict[str, Any]
) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return await action.run(dispatcher, track, domain), dispatcher


def step(bank: Bank) -> Any:
    return bank.registration.current_step(sender_id=SENDER)


LEFT_FORM = {"event": "active_loop", "name": None, "timestamp": None}


async def at_pin(bank: Bank, domain: dict[str, Any]) -> None:
    """A registration past its first step: the cédula is given, the PIN is asked."""
    await start(domain)
    bank.registration.submit_identity_number(sender_id=SENDER, text="1710034065")
    assert step(bank) == Step.PIN


async def test_cancel_at_the_first_step_cancels_at_once(bank: Bank, domain: dict) -> None:
    await start(domain)
    events, dispatcher = await cancel(
        CancelRegistration(), turn(FORM, intent="cancel", text="cancelar"), domain
    )
    assert responses(dispatcher) == ["utter_registration_cancelled"]
    assert LEFT_FORM in events
    assert step(bank) == Step.CANCELLED


async def test_cancel_with_progress_asks_and_keeps_the_journey(bank: Bank, domain: dict) -> None:
    await at_pin(bank, domain)
    events, dispatcher = await cancel(
        CancelRegistration(), turn(FORM, intent="cancel", text="cancelar"), domain
    )
    assert responses(dispatcher) == [], "the form asks the question, not the cancel action"
    assert SlotSet(cancelling.PENDING_SLOT, True) in events
    assert LEFT_FORM not in events
    assert step(bank) == Step.PIN
    # The rule runs the form next: it requests the confirmation (its question is the response
    # utter_ask_registration_form_cancel_confirmation), whatever the last message was.
    events, dispatcher = await validate(
        ValidateRegistrationForm(),
        turn(FORM, intent="cancel", pending=True, after="action_cancel_registration"),
        domain,
    )
    assert requested(events) == cancelling.CONFIRMATION_SLOT
    assert responses(dispatcher) == []
    assert step(bank) == Step.PIN


async def test_yes_cancels_and_ends_the_form(bank: Bank, domain: dict) -> None:
    await at_pin(bank, domain)
    events, dispatcher = await validate(
        ValidateRegistrationForm(), turn(FORM, intent="affirm", text="Sí", pending=True), domain
    )
    assert responses(dispatcher) == ["utter_registration_cancelled"]
    assert requested(events) is None, "the journey has no step left: the form ends"
    assert SlotSet(cancelling.PENDING_SLOT, None) in events
    assert step(bank) == Step.CANCELLED


async def test_cancelar_again_is_a_yes(bank: Bank, domain: dict) -> None:
    await at_pin(bank, domain)
    _, dispatcher = await validate(
        ValidateRegistrationForm(),
        turn(FORM, intent="cancel", text="cancelar", pending=True),
        domain,
    )
    assert responses(dispatcher) == ["utter_registration_cancelled"]
    assert step(bank) == Step.CANCELLED


async def test_no_or_going_on_asks_the_step_again(bank: Bank, domain: dict) -> None:
    await at_pin(bank, domain)
    for intent, text in (("keep_going", "/keep_going"), ("deny", "no")):
        events, dispatcher = await validate(
            ValidateRegistrationForm(), turn(FORM, intent=intent, text=text, pending=True), domain
        )
        assert responses(dispatcher) == [cancelling.GOING_ON_RESPONSE]
        assert SlotSet(cancelling.PENDING_SLOT, None) in events
        assert requested(events) == "pin_ref"
        assert step(bank) == Step.PIN


async def test_a_question_at_the_confirmation_is_no_answer(bank: Bank, domain: dict) -> None:
    await at_pin(bank, domain)
    events, dispatcher = await validate(
        ValidateRegistrationForm(),
        turn(FORM, intent="faq", text="qué pasa si cancelo?", pending=True),
        domain,
    )
    # No slot is validated: the form rejects and its FAQ rule answers, then asks again.
    assert [e for e in events if e.get("name") != "requested_slot"] == []
    assert requested(events) == cancelling.CONFIRMATION_SLOT
    assert responses(dispatcher) == []
    # Asked again after the FAQ, a "Sí" of the earlier message is not read as the answer.
    events, dispatcher = await validate(
        ValidateRegistrationForm(),
        turn(FORM, intent="affirm", pending=True, after="utter_faq"),
        domain,
    )
    assert requested(events) == cancelling.CONFIRMATION_SLOT
    assert step(bank) == Step.PIN


async def test_the_child_registration_uses_the_same_mechanism(bank: Bank, domain: dict) -> None:
    child = "test:andrea"
    form = child_registration.FORM
    validation = child_registration.ValidateMiniRegistrationForm()
    await cancel_free_start(child, domain)
    await validate(validation, turn(form, intent="inform", sender=child), domain)
    bank.mini_registration.submit_cedula(sender_id=child, text=ANDREA.cedula)
    assert bank.mini_registration.current_step(sender_id=child) == "activation_code"
    events, dispatcher = await cancel(
        child_registration.CancelMiniRegistration(),
        turn(form, intent="cancel", sender=child),
        domain,
    )
    assert SlotSet(cancelling.PENDING_SLOT, True) in events and responses(dispatcher) == []
    _, dispatcher = await validate(
        validation, turn(form, intent="affirm", pending=True, sender=child), domain
    )
    assert responses(dispatcher) == ["utter_mini_registration_cancelled"]
    assert bank.mini_registration.current_step(sender_id=child) == "cancelled"


async def cancel_free_start(child: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await child_registration.StartMiniRegistration().run(
        dispatcher,
        turn(child_registration.FORM, intent="start_mini_registration", sender=child),
        domain,
    )


def test_progress_is_past_the_first_step_and_the_parents_sign_in_under_way() -> None:
    registration = CancelRegistration()
    assert not registration.has_progress("identity_number")
    assert registration.has_progress("additional_user_question")
    assert registration.has_progress("token_code")
    assert not registration.has_progress("cancelled"), "an ended journey has nothing to lose"
    assert not registration.has_progress(None)
    sign_in = child_sign_in.CancelMiniSignIn()
    assert not sign_in.has_progress("username") and sign_in.has_progress("picture_password")
    parents = parent.CancelParentMini()
    assert [s for s in parent.FORM.slot_for_step if parents.has_progress(s)] == [
        "password",
        "token",
    ]


def test_every_journey_form_registers_its_cancel_and_has_its_question(domain: dict) -> None:
    for form in FORMS:
        words = cancelling.words_for(form.name)
        assert words.default_reply in domain["responses"]
        question = domain["responses"][f"utter_ask_{form.name}_cancel_confirmation"]
        payloads = [button["payload"] for button in question[0]["buttons"]]
        assert payloads == ["/affirm", "/keep_going"]
    assert cancelling.GOING_ON_RESPONSE in domain["responses"]
    for slot in (cancelling.PENDING_SLOT, cancelling.CONFIRMATION_SLOT):
        assert domain["slots"][slot]["influence_conversation"] is False


async def test_a_journey_restarted_when_idle_forgets_the_pending_cancel(
    bank: Bank, domain: dict
) -> None:
    await at_pin(bank, domain)
    with unit_of_work(bank.sessions) as session:
        for journey in session.scalars(select(Journey).where(Journey.sender_id == SENDER)):
            journey.last_activity_at = bank.clock.now() - timedelta(minutes=11)
    events, dispatcher = await validate(
        ValidateRegistrationForm(), turn(FORM, intent="affirm", text="sí", pending=True), domain
    )
    assert responses(dispatcher) == ["utter_journey_restarted_inactive"]
    assert SlotSet(cancelling.PENDING_SLOT, None) in events
    assert requested(events) == "id_number"
    assert step(bank) == Step.IDENTITY_NUMBER


def test_the_validation_knows_the_confirmation_slot_it_requests() -> None:
    # rasa-sdk warns about a requested slot without an extract method; the answer is the intent.
    assert hasattr(JourneyFormValidation, f"extract_{cancelling.CONFIRMATION_SLOT}")
