"""Long conversations stay cheap: the tracker store starts a new session (slots carried over) at
a quiet point once a session is long, never inside a journey's form, and the customer notices
nothing (rasa_extensions/compacting_tracker_store.py)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from formats.domain_files import load_domain
from tests.support.journeys import Customer, Secrets, register_maria_jose
from tests.support.servers import Servers

pytestmark = pytest.mark.e2e

# Small, so that a few turns of small talk and one registration cross it several times (read by
# conftest's servers fixture).
COMPACT_AFTER_EVENTS = 40
SMALL_TALK = ("hola", "gracias", "¿qué es la cuenta mini?")


def stored_events(servers: Servers, sender_id: str) -> list[dict[str, Any]]:
    """Every event Rasa stored for the conversation, in order."""
    with sqlite3.connect(servers.workdir / "rasa_tracker.db") as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def sessions(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The events split at each session_started (the first part is before any)."""
    parts: list[list[dict[str, Any]]] = [[]]
    for event in events:
        if event["event"] == "session_started":
            parts.append([])
        parts[-1].append(event)
    return parts


async def test_small_talk_then_a_whole_registration_in_one_long_conversation(
    customer: Customer, servers: Servers
) -> None:
    for index in range(15):
        turn = await customer.say(SMALL_TALK[index % len(SMALL_TALK)])
        assert turn.messages, "every message gets an answer"
    final = await register_maria_jose(customer, Secrets(), username="mjlarga2024")
    assert "exitosamente" in " ".join(customer.texts()).lower()
    assert final.secret_consumed
    await customer.say("gracias")

    events = stored_events(servers, customer.sender_id)
    parts = sessions(events)
    # Rasa's first session, then at least one started by the store during the small talk and
    # one after the registration (whose form alone has more than 40 events).
    assert len(parts) >= 4, [len(part) for part in parts]

    initial = initial_slot_values()
    active_loop: str | None = None
    slots: dict[str, Any] = {}
    for index, event in enumerate(events):
        if event["event"] == "active_loop":
            active_loop = event.get("name")
        elif event["event"] == "slot":
            slots[event["name"]] = event["value"]
        elif event["event"] == "session_started":
            # Never inside a form: a journey's step or question is never cut.
            assert active_loop is None, f"a session started inside {active_loop}"
            # The new session begins with every slot the old one ended with.
            expected = {name: value for name, value in slots.items() if value != initial(name)}
            assert carried_slots(events[index + 1 :]) == expected
            slots = dict(carried_slots(events[index + 1 :]))


def carried_slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slot events that open a session, before its first action."""
    carried: dict[str, Any] = {}
    for event in events:
        if event["event"] != "slot":
            break
        carried[event["name"]] = event["value"]
    return carried


def initial_slot_values() -> Any:
    """A slot's initial value in domain/ (None when it has none)."""
    domain = load_domain()
    values = {name: spec.get("initial_value") for name, spec in domain["slots"].items()}
    return lambda name: values.get(name)
