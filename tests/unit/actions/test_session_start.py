"""action_session_start: Rasa's carry-over of the slots, plus the facts the responses state set as
slots (bank/facts.py), from the bank's constants and the settings the action server runs with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted
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


def split(events: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The slots set before `session_started`, and those the new session opens with."""
    at = events.index(SessionStarted())
    assert events[-1] == ActionExecuted("action_listen")
    before = {event["name"]: event["value"] for event in events[:at]}
    opened = {event["name"]: event["value"] for event in events[at + 1 : -1]}
    assert all(event["event"] == "slot" for event in events[:at] + events[at + 1 : -1])
    return before, opened


async def test_a_new_conversation_starts_with_every_fact_set_from_the_bank(
    bank: Bank, domain: dict[str, Any]
) -> None:
    before, opened = split(await start({"agent_reason": None, "otp_minutes": None}, domain))
    assert set(before) == set(opened) == FACT_NAMES
    assert opened["otp_minutes"] == CONSTANT_FACTS["otp_minutes"] == "5"
    assert opened["mini_max_per_request"] == "$20,00"
    assert opened["mini_max_per_day"] == "$1.250,50"
    assert str(bank.settings.mini_max_per_day) == "1250.50"


async def test_a_session_opens_with_exactly_the_slots_the_last_one_ended_with(
    bank: Bank, domain: dict[str, Any]
) -> None:
    facts = {name: CONSTANT_FACTS.get(name) for name in FACT_NAMES}
    slots = {
        **facts,
        "agent_reason": "locked",
        "agent_resume": None,
        "session_started_metadata": {"channel": "telegram"},
        "mini_max_per_request": "$99,00",  # from before the operator changed it
        "mini_max_per_day": "$1.250,50",
    }
    before, opened = split(await start(slots, domain))
    assert before == {"mini_max_per_request": "$20,00"}, "only the fact that changed"
    ended = {name: value for name, value in {**slots, **before}.items() if value is not None}
    assert opened == ended
    assert opened["agent_reason"] == "locked"
    assert opened["session_started_metadata"] == {"channel": "telegram"}
    assert "agent_resume" not in opened


def test_the_domain_declares_the_custom_session_start(domain: dict[str, Any]) -> None:
    assert "action_session_start" in domain["actions"]
    assert domain["session_config"]["carry_over_slots_to_new_session"] is True
