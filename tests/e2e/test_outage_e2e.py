"""Faults in the middle of a registration: the bot keeps answering, at the right step.

The real Rasa server, action server, playground and bot (tests/support/servers.py).
- Rasa dies: María José is at the PIN step when Rasa is killed (SIGKILL); she types her PIN, is
  told "un momento", the test restarts Rasa (a full model load), and her PIN is answered at the
  right step: the journey moves on and the registration finishes.
- Everything down: the bot is stopped and Rasa killed; Ana Lucía's cédula, written meanwhile, is
  kept by the Bot API, fetched when the bot starts ("un momento": Rasa is still loading) and
  answered at her journey's stored step once Rasa is back.
- Telegram keeps failing: Luis's answer is processed but every send of its reply fails (502)
  past the retries; once Telegram works he gets the apology and the current step again, and
  goes on from there.
- The action server dies: a customer's cédula reaches Rasa, which cannot run the form's
  validation (it answers nothing); the bot apologises, waits until the action server is back
  (restarted by the test), and the identity step is asked again, not skipped; the retyped
  cédula moves the journey on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from bank.bootstrap import Bank
from bench.registration_latency import add_bench_customers, bench_people
from bot.playground.client import PlaygroundClient, bot_messages
from tests.support.journeys import Secrets
from tests.support.servers import Servers
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e

MARIA, LUIS, DIANA = 1001, 1002, 1003
MOMENT = "Un momento"
# Long enough for a Rasa restart with its model load on a busy 2-core machine.
OUTAGE_SECONDS = "300"
# Two tries per send, so a few injected 502s outlast the retries.
BOT_ENV = {"RASA_OUTAGE_SECONDS": OUTAGE_SECONDS, "TELEGRAM_RETRY_ATTEMPTS": "2"}
# As make run does: the bot checks the action server's health before asking a step again.
BOT_CHECKS_ACTION_SERVER = True


def kill_rasa(system: Servers) -> None:
    """SIGKILL, as a crash: no graceful anything."""
    process = system.processes.pop("rasa")
    process.kill()
    process.wait(timeout=30)


def kill_with_workers(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a server and its worker processes (rasa-sdk's Sanic serves from a child)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.kill()
    process.wait(timeout=30)


async def latest_sms_code(playground: PlaygroundClient, phone_e164: str) -> str:
    for message in await playground.outbox():
        if message["channel"] == "sms" and message["recipient"] == phone_e164:
            codes = re.findall(r"\b\d{6}\b", message["body"])
            if codes:
                return str(codes[-1])
    raise AssertionError(f"no SMS code to {phone_e164}")


async def type_secret(person: TelegramUser, value: str, step: str) -> None:
    await person.say(value)
    await person.wait_step(step)


def moments(state: dict[str, object]) -> int:
    return sum(MOMENT in (m["text"] or "") for m in bot_messages(state))  # type: ignore[arg-type]


async def test_rasa_killed_mid_registration_the_pin_waits_and_the_journey_finishes(
    playground: PlaygroundClient, bank: Bank, system: Servers
) -> None:
    sentinels = Secrets()
    maria = TelegramUser(
        playground,
        MARIA,
        step_of=lambda sender: bank.registration.current_step(sender_id=sender),
    )
    await maria.say("/start", expect="Registrarme")
    await maria.tap("Registrarme en Produbanco en línea")
    await maria.wait_step("identity_number")
    await maria.say("171003406-5")
    await maria.wait_step("pin")

    kill_rasa(system)
    await playground.send_text(MARIA, sentinels.pin)
    await playground.wait_for(MARIA, lambda s: moments(s) == 1, timeout=60)
    assert str(bank.registration.current_step(sender_id=maria.sender_id)) == "pin"

    await asyncio.to_thread(system.start_rasa)  # waits until Rasa answers again
    await maria.wait_step("contact_confirmation", timeout=120)
    # The bank moves before the bot has shown the answer: wait for it in the chat.
    state = await playground.wait_for(
        MARIA, lambda s: any("Celular" in (m["text"] or "") for m in bot_messages(s)), timeout=60
    )
    assert moments(state) == 1, "told once"
    assert any("Celular" in (m["text"] or "") for m in bot_messages(state)), "the next step"
    assert not any("No pude conectarme" in (m["text"] or "") for m in bot_messages(state))

    await maria.tap("Generar OTP")
    await maria.wait_step("otp")
    await type_secret(maria, await latest_sms_code(playground, "+593991234567"), "username")
    await maria.say("mjandrade2024")
    await maria.wait_step("username_confirmation")
    await maria.say("mjandrade2024")
    await maria.wait_step("password")
    await type_secret(maria, sentinels.password, "password_confirmation")
    await type_secret(maria, sentinels.password, "security_image")
    keyboard = [m for m in bot_messages(await maria.state()) if m["photo"]][-1]
    third = next(b for row in keyboard["buttons"] for b in row if b["text"] == "3")
    await playground.tap(MARIA, keyboard["message_id"], third["callback_data"])
    await maria.wait_step("home_phone")
    await maria.say("02 234 5678")
    await maria.wait_step("work_phone")
    await maria.tap("No tengo")
    await maria.wait_step("challenge_first_name")
    await type_secret(maria, sentinels.first_name, "challenge_mother_surname")
    await type_secret(maria, sentinels.mother_surname, "challenge_father_surname")
    await type_secret(maria, sentinels.father_surname, "terms")
    await maria.tap("Acepto")
    await maria.wait_step("smart_device")
    await maria.tap("Sí")
    await maria.wait_step("second_factor")
    await maria.tap("Token digital")
    await maria.wait_step("token_activation")
    await maria.tap("Activar ahora")
    await maria.wait_step("token_code")
    uri = bank.registration.token_provisioning_uri(sender_id=maria.sender_id)
    code = pyotp.TOTP(parse_qs(urlparse(uri).query)["secret"][0]).now()
    await type_secret(maria, code, "completed")
    done = bot_messages(await maria.state())
    assert any("mjandrade2024" in (m["text"] or "") for m in done)


async def test_a_reply_telegram_keeps_refusing_is_followed_by_an_apology_and_the_step(
    playground: PlaygroundClient, bank: Bank
) -> None:
    luis = TelegramUser(
        playground,
        LUIS,
        step_of=lambda sender: bank.registration.current_step(sender_id=sender),
    )
    await luis.say("quiero registrarme")
    await luis.wait_step("identity_number")
    # Two 502s exhaust the reply's send, two more the apology's first try.
    await playground.inject_fault("sendMessage", count=4, error_code=502)
    await playground.send_text(LUIS, "1791234561001")
    await luis.wait_step("additional_user_question")
    state = await playground.wait_for(
        LUIS, lambda s: "Te registras como" in (bot_messages(s)[-1]["text"] or ""), timeout=90
    )
    texts = [m["text"] or "" for m in bot_messages(state)]
    assert "no te llegó" in texts[-3], texts[-3:]
    assert "Sigamos donde quedamos" in texts[-2]
    assert not any("Algo salió mal" in text for text in texts)
    await luis.tap("Sí")
    await luis.wait_step("additional_cedula")


async def test_a_message_written_while_the_bot_and_rasa_were_down_is_answered_at_its_step(
    playground: PlaygroundClient, bank: Bank, system: Servers
) -> None:
    guest = await playground.add_persona("Ana Lucía", last_name="Torres")
    ana = TelegramUser(
        playground,
        int(guest["user_id"]),
        step_of=lambda sender: bank.registration.current_step(sender_id=sender),
    )
    await ana.say("quiero registrarme")
    await ana.wait_step("identity_number")

    system.stop_process("bot")  # SIGTERM: the bot stops gracefully
    kill_rasa(system)
    await playground.send_text(ana.user_id, "1109876548")  # kept by the Bot API until fetched
    await asyncio.to_thread(system.start_bot)
    await playground.wait_for(ana.user_id, lambda s: moments(s) == 1, timeout=60)
    assert str(bank.registration.current_step(sender_id=ana.sender_id)) == "identity_number"

    await asyncio.to_thread(system.start_rasa)
    await ana.wait_step("pin", timeout=120)
    state = await playground.wait_for(
        ana.user_id,
        lambda s: "Escribe tu clave de 4 dígitos" in (bot_messages(s)[-1]["text"] or ""),
        timeout=60,
    )
    assert moments(state) == 1


# Rasa cannot reach the killed action server: it logs the failed call and the lost action.
@pytest.mark.expected_errors(
    r"^rasa\.log: .* Failed to run custom action '\w+'\. Couldn't connect to the server",
    r"^rasa\.log: .* Encountered an exception while running action '\w+'",
)
async def test_the_action_server_killed_at_a_step_gets_the_step_asked_again_not_skipped(
    playground: PlaygroundClient, bank: Bank, system: Servers
) -> None:
    person = bench_people(1)[0]
    add_bench_customers(bank, [person])
    cedula = person[0]
    diana = TelegramUser(
        playground,
        DIANA,
        step_of=lambda sender: bank.registration.current_step(sender_id=sender),
    )
    await diana.say("quiero registrarme")
    await diana.wait_step("identity_number")

    kill_with_workers(system.processes.pop("actions"))  # SIGKILL, as a crash
    await playground.send_text(DIANA, cedula)
    lost = "mi última respuesta no te llegó"
    await playground.wait_for(
        DIANA, lambda s: any(lost in (m["text"] or "") for m in bot_messages(s)), timeout=120
    )
    assert str(bank.registration.current_step(sender_id=diana.sender_id)) == "identity_number"

    await asyncio.to_thread(system.start_actions)
    state = await playground.wait_for(
        DIANA,
        lambda s: "número de cédula" in (bot_messages(s)[-1]["text"] or ""),
        timeout=120,
    )
    # The step is asked again: the journey neither moved nor ended behind the customer's back.
    assert str(bank.registration.current_step(sender_id=diana.sender_id)) == "identity_number"
    assert lost in " ".join(m["text"] or "" for m in bot_messages(state))

    await diana.say(cedula)
    await diana.wait_step("pin")
