"""Issue 15 through the Telegram stand-in: words of going on keep the step, cancelling with
progress asks first (Sí / No, seguir), and a username with a question word is taken."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bank.bootstrap import Bank
from bot.playground.client import PlaygroundClient
from tests.support.servers import Servers
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e

# Chats of their own: the module's servers are shared by its tests.
GOING_ON, USERNAME = 1001, 1002
MARIA_CEDULA, MARIA_PIN, MARIA_PHONE = "1710034065", "1234", "+593991234567"
QUESTION = "¿Seguro que quieres dejar tu registro?"


def person(playground: PlaygroundClient, bank: Bank, user_id: int) -> TelegramUser:
    return TelegramUser(
        playground, user_id, step_of=lambda sender: bank.registration.current_step(sender_id=sender)
    )


def texts(answer: list[dict[str, Any]]) -> str:
    return " ".join(m["text"] or m.get("caption") or "" for m in answer)


async def latest_sms_code(playground: PlaygroundClient, phone_e164: str) -> str:
    for message in await playground.outbox():
        if message["channel"] == "sms" and message["recipient"] == phone_e164:
            codes = re.findall(r"\b\d{6}\b", message["body"])
            if codes:
                return str(codes[-1])
    raise AssertionError(f"no SMS code to {phone_e164}")


async def start_registration(someone: TelegramUser) -> None:
    await someone.say("/start", expect="Registrarme")
    await someone.tap("Registrarme en Produbanco en línea")
    await someone.wait_step("identity_number")


async def test_going_on_keeps_the_step_and_cancelling_with_progress_asks_first(
    playground: PlaygroundClient, bank: Bank, system: Servers
) -> None:
    maria = person(playground, bank, GOING_ON)
    await start_registration(maria)

    for words in ("continuar", "sigamos", "ok dale"):
        answer = await maria.say(words)
        said = texts(answer)
        assert "cancelé" not in said and "En qué te ayudo" not in said, said
        assert "cédula" in said.lower(), f"the identity step is asked again after {words!r}"
        await maria.wait_step("identity_number")

    await maria.say(MARIA_CEDULA)
    await maria.wait_step("pin")
    await maria.say(MARIA_PIN)
    await maria.wait_step("contact_confirmation")
    assert await maria.last_message_deleted()

    answer = await maria.say("cancelar", expect=QUESTION)
    question = next(m for m in answer if QUESTION in (m["text"] or ""))
    titles = [button["text"] for row in question["buttons"] for button in row]
    assert titles == ["Sí", "No, seguir"]
    await maria.wait_step("contact_confirmation")

    answer = await maria.tap("No, seguir", expect="Sigamos")
    await maria.wait_step("contact_confirmation")
    assert "Generar OTP" in str(answer), "the contact step is asked again, with its buttons"

    await maria.say("cancelar", expect=QUESTION)
    await maria.tap("Sí", expect="cancelé tu registro")
    await maria.wait_step("cancelled")


async def test_a_username_with_a_question_word_is_taken(
    playground: PlaygroundClient, bank: Bank, system: Servers
) -> None:
    andrea = person(playground, bank, USERNAME)
    await start_registration(andrea)
    await andrea.say(MARIA_CEDULA)
    await andrea.wait_step("pin")
    await andrea.say(MARIA_PIN)
    await andrea.wait_step("contact_confirmation")
    await andrea.tap("Generar OTP")
    await andrea.wait_step("otp")
    await andrea.say(await latest_sms_code(playground, MARIA_PHONE))
    await andrea.wait_step("username")

    # A real question is still answered as one, and the step stays.
    await andrea.say("cómo creo mi usuario?")
    await andrea.wait_step("username")

    answer = await andrea.say("andreanavegador", expect="disponible")
    assert "andreanavegador" in texts(answer)
    await andrea.wait_step("username_confirmation")
    await andrea.say("andreanavegador")
    await andrea.wait_step("password")
