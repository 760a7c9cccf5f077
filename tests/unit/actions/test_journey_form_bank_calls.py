"""A journey form asks the bank for the chat's step once per call, and again only after an answer
moved it (rasa-sdk asks for the required slots three times a call); an answer no validation ever
saw (the action server was down) never counts as the step's answer."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.registration.form import ValidateRegistrationForm
from actions.registration.steps import FORM_SLOTS
from bank.bootstrap import Bank
from bank.registration import Step
from tests.unit.actions.test_registration_actions import SENDER, answer, requested, start


@pytest.fixture
def step_reads(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every current_step call the registration service gets."""
    reads: list[str] = []
    service = type(bank.registration)
    original = service.current_step

    def counted(self: Any, *, sender_id: str) -> Any:
        reads.append(sender_id)
        return original(self, sender_id=sender_id)

    monkeypatch.setattr(service, "current_step", counted)
    return reads


async def test_a_turn_without_an_answer_reads_the_step_once(
    bank: Bank, domain: dict, step_reads: list[str]
) -> None:
    await start(domain)
    step_reads.clear()
    events, _ = await answer(domain, None, None)
    assert requested(events) == "id_number"
    assert len(step_reads) == 1


async def test_an_answer_reads_the_step_before_and_after_it_moves(
    bank: Bank, domain: dict, step_reads: list[str]
) -> None:
    await start(domain)
    step_reads.clear()
    events, _ = await answer(domain, "id_number", "1710034065")
    # The answer moved the journey to the PIN: the step asked next is read after the answer.
    assert requested(events) == "pin_ref"
    assert len(step_reads) == 2


def stale_answer_tracker(slot: str, value: Any) -> Tracker:
    """In the form, with `slot` filled by an earlier turn whose validation never ran."""
    events: list[dict[str, Any]] = [
        {"event": "active_loop", "name": "registration_form"},
        {"event": "user", "text": "…", "parse_data": {"intent": {"name": "inform"}}},
        SlotSet(slot, value),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "/resume_after_agent", "parse_data": {"intent": {}}},
        {"event": "action", "name": "registration_form"},
    ]
    slots: dict[str, Any] = {name: None for name in FORM_SLOTS}
    slots[slot] = value
    return Tracker(
        sender_id=SENDER,
        slots=slots,
        latest_message={"intent": {"name": "resume_after_agent"}, "entities": [], "text": "…"},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "registration_form"},
        latest_action_name="registration_form",
    )


async def test_an_answer_left_by_a_turn_the_action_server_missed_is_asked_again(
    bank: Bank, domain: dict
) -> None:
    # The action server was down when the cédula came: Rasa kept it in the slot unvalidated.
    await start(domain)
    events = await ValidateRegistrationForm().run(
        CollectingDispatcher(), stale_answer_tracker("id_number", "1710034065"), domain
    )
    assert SlotSet("id_number", None) in events
    assert requested(events) == "id_number", "the step is asked again, the form not submitted"
    assert bank.registration.current_step(sender_id=SENDER) == Step.IDENTITY_NUMBER
