"""The security review's channel findings end to end: the real bot, the playground's Bot API
stand-in, Rasa 3.6 with its SQL tracker store, the action server and the bank.

- The Cuenta Mini registration answers an unknown cédula, one in approval and a ready one alike,
  with no name, until a valid activation code is given.
- "mi clave es 1234" at the PIN prompt is deleted, read as the PIN and never reaches Rasa.
- A bare PIN typed at the menu is deleted and Rasa only gets a marker.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import pytest

from bank.bootstrap import Bank
from bank.demo import ANDREA, CARLOS_CHILDREN, SOFIA
from bot.playground.client import PlaygroundClient
from tests.support.servers import Servers
from tests.support.telegram_user import JSON, TelegramUser

pytestmark = pytest.mark.e2e

UNKNOWN_CHILD_CEDULA = "1700000001"  # check digit valid, nobody's
MARIA_CEDULA, MARIA_PIN = "1710034065", "1234"


async def guest(
    playground: PlaygroundClient, name: str, step_of: Callable[[str], object] | None = None
) -> TelegramUser:
    """A fresh chat of the playground, as a new Telegram user."""
    persona = await playground.add_persona(name)
    return TelegramUser(playground, int(persona["user_id"]), step_of=step_of)


def texts(messages: list[JSON]) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in messages]


def tracker_user_texts(system: Servers, sender_id: str) -> list[str]:
    with sqlite3.connect(system.workdir / "rasa_tracker.db") as db:
        rows = db.execute(
            "SELECT data FROM events WHERE type_name='user' AND sender_id=?", (sender_id,)
        ).fetchall()
    return [str(json.loads(row[0]).get("text") or "") for row in rows]


async def test_mini_cedula_answers_are_identical_for_unknown_in_approval_and_ready(
    playground: PlaygroundClient, bank: Bank
) -> None:
    assert ANDREA in CARLOS_CHILDREN and SOFIA in CARLOS_CHILDREN
    answers: dict[str, list[str]] = {}
    for label, cedula in (
        ("unknown", UNKNOWN_CHILD_CEDULA),
        ("in_approval", SOFIA.cedula),
        ("ready", ANDREA.cedula),
    ):
        child = await guest(
            playground,
            f"Sonda {label}",
            lambda sender: bank.mini_registration.current_step(sender_id=sender),
        )
        await child.say("/start mini")
        await child.wait_step("cedula")
        answers[label] = texts(await child.say(cedula))
    assert answers["unknown"], "the bot answered the cédula"
    assert answers["unknown"] == answers["in_approval"] == answers["ready"], answers
    for name in ("Andrea", "Sofía", "Sofia"):
        assert not any(name in text for text in answers["ready"] + answers["in_approval"])


async def test_pin_inside_a_sentence_at_the_pin_prompt_is_deleted_and_absent_from_the_tracker(
    playground: PlaygroundClient, bank: Bank, system: Servers
) -> None:
    maria = await guest(
        playground,
        "María José",
        lambda sender: bank.registration.current_step(sender_id=sender),
    )
    await maria.say("quiero registrarme")
    await maria.wait_step("identity_number")
    await maria.say(MARIA_CEDULA)
    await maria.wait_step("pin")
    await maria.say(f"mi clave es {MARIA_PIN}")
    await maria.wait_step("contact_confirmation")  # read as the PIN, and right
    assert await maria.last_message_deleted(), "the sentence with the PIN stayed in the chat"
    said = tracker_user_texts(system, maria.sender_id)
    assert said, "the tracker store has this conversation"
    assert not any(MARIA_PIN in text or "mi clave" in text for text in said), said


async def test_bare_pin_at_the_menu_is_deleted_and_rasa_gets_only_a_marker(
    playground: PlaygroundClient, system: Servers
) -> None:
    someone = await guest(playground, "Cliente")
    await someone.say("/start")
    answer = await someone.say("4 3 2 1")
    assert await someone.last_message_deleted(), "the bare PIN stayed in the chat"
    assert any("clave" in text.lower() for text in texts(answer)), texts(answer)
    said = tracker_user_texts(system, someone.sender_id)
    assert not any("4321" in text.replace(" ", "") for text in said), said
