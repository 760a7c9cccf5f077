"""action_session_start: Rasa's carry-over of the slots, plus the facts the responses state set as
slots (bank/facts.py), from the bank's constants and the settings the action server runs with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.session.start import ActionSessionStart
from bank.bootstrap import Bank
from bank.facts import CONSTANT_FACTS, FACT_NAMES
from tests.support.banks import action_server_bank


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bank]:
    # A bank whose operator lowered the Cuenta Mini limits.
    monkeypatch.setenv("MINI_MAX_PER_REQUEST", "20")
    monkeypatch.setenv("MINI_MAX_PER_DAY", "1250.5")
    yield from action_server_bank(tmp_path, monkeypatch)


def tracker(slots: dict[str, Any]) -> Tracker:
    return Tracker(
        sender_id="tg:7100",
        slots=slots,
        latest_message={},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def start(slots: dict[str, Any], domain: dict[str, Any]) -> list[Any]:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, tracker(slots), domain)
    assert dispatcher.messages == [], "a session starts silently"
    return events


async def test_a_session_starts_with_every_fact_set_from_the_bank(
    bank: Bank, domain: dict[str, Any]
) -> None:
    events = await start({"agent_reason": None, "otp_minutes": None}, domain)
    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    facts = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    assert set(facts) == FACT_NAMES
    assert facts["otp_minutes"] == CONSTANT_FACTS["otp_minutes"] == "5"
    assert facts["mini_max_per_request"] == "$20,00"
    assert facts["mini_max_per_day"] == "$1.250,50"
    assert str(bank.settings.mini_max_per_day) == "1250.50"


async def test_the_slots_of_the_last_session_are_carried_over(
    bank: Bank, domain: dict[str, Any]
) -> None:
    slots = {
        "agent_reason": "locked",
        "agent_resume": None,
        "session_started_metadata": {"channel": "telegram"},
        "mini_max_per_request": "$99,00",  # a value from before the operator changed it
    }
    events = await start(slots, domain)
    carried = [event for event in events if event["event"] == "slot"]
    assert SlotSet("agent_reason", "locked") in carried
    assert SlotSet("session_started_metadata", {"channel": "telegram"}) in carried
    assert not [event for event in carried if event["name"] == "agent_resume"]
    assert [event["value"] for event in carried if event["name"] == "mini_max_per_request"] == [
        "$20,00"
    ]


def test_the_domain_declares_the_custom_session_start(domain: dict[str, Any]) -> None:
    assert "action_session_start" in domain["actions"]
    assert domain["session_config"]["carry_over_slots_to_new_session"] is True
