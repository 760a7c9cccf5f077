"""Assisted mode end to end (issue 6): a customer and Paula, a call-center agent, in two Telegram
accounts of the playground, with the real bot, Rasa 3.6, the action server and the bank.

1. María José locks her registration with wrong PINs, asks for a person from the lock message and
   agrees to what the agent will see; Paula takes the ticket and sees the journey, the step and
   the lock but none of the secrets; they talk; a PIN María José types while held is deleted and
   never reaches Paula; Paula unlocks after verifying her by phone and hands the chat back;
   María José finishes the registration; the audit shows every step Paula took.
2. Luis Fernando is at the SMS code step while on the phone with Paula: she looks him up, resends
   the code (the second, immediate resend is refused) and he goes on with the new code.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from bank.bootstrap import Bank
from bot.playground.client import PlaygroundClient, bot_messages
from tests.e2e.test_telegram_e2e import latest_sms_code, user
from tests.support.chat_steps import type_secret, wait_for_text
from tests.support.journeys import Secrets
from tests.support.servers import PYTHON, REPO, Servers
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e

MARIA, LUIS, PAULA = 1001, 1002, 1005
MARIA_CEDULA, MARIA_PHONE = "1710034065", "+593991234567"
LUIS_IDENTITY, LUIS_PHONE = "1791234561001+1704567898", "+593987654321"
# Wrong PINs María José tries before her identity locks (three failures in a row lock it).
WRONG_PINS = ("8264", "9173", "5309")
AGENT_ACTOR = "agent:1005 Paula"
UNLOCK_REASON = "Verificada por teléfono: datos personales y celular coinciden"
TICKET_NUMBER = re.compile(r"Nuevo ticket #(\d+)")


def texts_of(state: dict) -> str:
    """Every text, caption and button title of a chat (both sides, deleted messages too)."""
    parts = []
    for message in state["messages"]:
        parts.append(message.get("text") or message.get("caption") or "")
        parts.extend(button["text"] for row in message["buttons"] for button in row)
    return "\n".join(parts)


def shows(text: str, secret: str) -> bool:
    """Whether `secret` shows in `text` (a number only as a whole number, not inside another)."""
    if secret.isdigit():
        return re.search(rf"(?<!\d){secret}(?!\d)", text) is not None
    return secret in text or secret.lower() in text.lower()


async def send(person: TelegramUser, text: str) -> None:
    """Type a message that gets no answer in the person's own chat (a relayed one)."""
    _, person.last_message_id = await person.client.send_text(person.user_id, text)


async def wait_for_all(person: TelegramUser, *fragments: str, timeout: float = 60) -> str:
    """Wait until one bot message holds every fragment; return its text."""

    def holds(message: dict) -> bool:
        return all(fragment in (message["text"] or "") for fragment in fragments)

    state = await person.client.wait_for(
        person.user_id, lambda s: any(holds(m) for m in bot_messages(s)), timeout=timeout
    )
    return str(next(m for m in reversed(bot_messages(state)) if holds(m))["text"])


async def wait_quiet(person: TelegramUser, seconds: float = 1.5) -> None:
    """Let a chat settle (answers come in several parts)."""
    state = await person.state()
    while True:
        later = await person.client.chat(person.user_id, since=state["version"], wait=seconds)
        if later["version"] == state["version"]:
            return
        state = later


def sms_count(outbox: list[dict], phone: str) -> int:
    return sum(1 for m in outbox if m["channel"] == "sms" and m["recipient"] == phone)


def backdate_open_codes(wired: Bank, sender_id: str, seconds: int) -> None:
    """Let the chat's SMS codes be `seconds` older, as if that time had passed (only their times
    move), so the 60-second spacing between codes has run out."""
    from sqlalchemy import select, update

    from bank.db import unit_of_work
    from bank.models import Journey, OtpChallenge

    shift = timedelta(seconds=seconds)
    with unit_of_work(wired.sessions) as session:
        journeys = select(Journey.id).where(Journey.sender_id == sender_id)
        session.execute(
            update(OtpChallenge)
            .where(OtpChallenge.journey_id.in_(journeys.scalar_subquery()))
            .values(
                created_at=OtpChallenge.created_at - shift,
                expires_at=OtpChallenge.expires_at - shift,
            )
        )


def audit_rows(running: Servers, *arguments: str) -> list[list[str]]:
    """`python -m bank audit ...` as an operator runs it, one row per line, split on tabs."""
    output = subprocess.run(
        [str(PYTHON), "-m", "bank", "audit", *arguments],
        cwd=REPO,
        env=running.env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("\t") for line in output.splitlines() if line.strip()]


async def finish_registration(
    maria: TelegramUser, client: PlaygroundClient, wired: Bank, sentinels: Secrets
) -> list[str]:
    """From the cédula step to the finished user, as test_telegram_e2e drives it; returns the
    secrets typed on the way (SMS code, Token code and secret)."""
    await maria.say(MARIA_CEDULA)
    await maria.wait_step("pin")
    await type_secret(maria, sentinels.pin, "contact_confirmation")
    await maria.tap("Generar OTP")
    await maria.wait_step("otp")
    sms_code = await latest_sms_code(client, MARIA_PHONE)
    await type_secret(maria, sms_code, "username")
    await maria.say("mjandrade2024")
    await maria.wait_step("username_confirmation")
    await maria.say("mjandrade2024")
    await maria.wait_step("password")
    await type_secret(maria, sentinels.password, "password_confirmation")
    await type_secret(maria, sentinels.password, "security_image")
    await wait_quiet(maria)
    keyboard = [m for m in bot_messages(await maria.state()) if m["photo"] and m["buttons"]][-1]
    third = next(b for row in keyboard["buttons"] for b in row if b["text"] == "3")
    await client.tap(MARIA, keyboard["message_id"], third["callback_data"])
    await maria.wait_step("home_phone")
    await wait_quiet(maria)
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
    uri = wired.registration.token_provisioning_uri(sender_id=maria.sender_id)
    token_secret = parse_qs(urlparse(uri).query)["secret"][0]
    token_code = pyotp.TOTP(token_secret).now()
    await type_secret(maria, token_code, "completed")
    await wait_for_text(maria, "mjandrade2024")
    return [sms_code, token_code, token_secret]


async def test_locked_customer_is_helped_in_the_chat_and_finishes_the_registration(
    playground: PlaygroundClient,
    bank: Bank,
    system: Servers,
) -> None:
    sentinels = Secrets()
    maria, paula = user(playground, bank, MARIA), user(playground, bank, PAULA)

    # Paula opens her agent help (it also puts the commands in her chat's "/" menu).
    await paula.say("/asesor", expect="Modo asesor")

    # María José: the cédula, then wrong PINs until the identity locks (3 failures in a row).
    await maria.say("quiero registrarme en produbanco en linea")
    await maria.wait_step("identity_number")
    for attempt, pin in enumerate(WRONG_PINS):
        await maria.say(MARIA_CEDULA)
        await maria.wait_step("pin")
        last = attempt == len(WRONG_PINS) - 1
        await type_secret(maria, pin, "ended" if last else "identity_number")
    locked = await wait_for_text(maria, "bloqueamos el registro")
    assert any("Hablar con un asesor" in b["text"] for row in locked["buttons"] for b in row), (
        "the lock reply offers a person"
    )

    # She asks for a person: told what the agent will see, agrees, gets her place in the queue.
    await maria.tap("Hablar con un asesor", expect="Sí, conéctame")
    offer = await wait_for_text(maria, "el asesor verá")
    assert "ocultos" in offer["text"] and "Ningún asesor te pedirá tus claves" in offer["text"]
    await maria.tap("Sí, conéctame", expect="en la fila")
    queued = await wait_for_text(maria, "en la fila")
    assert "número 1 en la fila" in queued["text"], queued["text"]
    assert any("Cancelar espera" in b["text"] for row in queued["buttons"] for b in row)

    # Paula: the new-ticket notice, the queue, and she takes the ticket.
    notice = await wait_for_text(paula, "Nuevo ticket #")
    found = TICKET_NUMBER.search(notice["text"])
    assert found is not None, notice["text"]
    ticket = found.group(1)
    assert "quedó bloqueado" in notice["text"] and "17******65" in notice["text"], notice["text"]
    assert any(f"Tomar #{ticket}" in b["text"] for row in notice["buttons"] for b in row)
    await paula.say("/cola", expect="Cola de atención")
    queue = await wait_for_text(paula, "Cola de atención")
    assert f"#{ticket} · quedó bloqueado" in queue["text"], queue["text"]
    await paula.tap(f"Tomar #{ticket}", expect=f"Tomaste el ticket #{ticket}")
    ticket_view = await wait_for_all(paula, f"Ticket #{ticket}", "Motivo:")
    transcript = await wait_for_all(paula, f"Conversación del ticket #{ticket}")
    state_view = await wait_for_all(paula, "Estado de 17******65", "Bloqueo por PIN")
    assert "Motivo: quedó bloqueado" in ticket_view, ticket_view
    assert "Registro en Produbanco en línea · paso ended" in ticket_view, ticket_view
    assert "Persona: 17******65" in ticket_view, ticket_view
    assert "Cliente: quiero registrarme" in transcript, transcript
    assert "Cliente: [número oculto]" in transcript, "the typed cédula is hidden"
    assert "Asistente: Por tu seguridad bloqueamos el registro" in transcript, transcript
    assert "Registro en Produbanco en línea: paso ended, terminado" in state_view, state_view
    assert "Bloqueo por PIN: sí" in state_view, state_view
    await wait_for_text(maria, "Paula, de nuestro equipo, se unió a la conversación")
    await wait_quiet(paula)
    seen_by_paula = texts_of(await paula.state())
    for secret in (*WRONG_PINS, sentinels.pin):
        assert not shows(seen_by_paula, secret), f"Paula sees the secret {secret}"
    assert MARIA_CEDULA not in seen_by_paula, "Paula sees only the masked cédula"

    # They talk: Paula's reply reaches María José with her name, and the other way round.
    await send(paula, "Hola María José, soy Paula. Te llamo ahora a tu celular para verificarte.")
    said = await wait_for_text(maria, "Te llamo ahora a tu celular")
    assert said["text"].startswith("🧑‍💼 Paula (Produbanco): Hola María José"), said["text"]
    await send(maria, "Gracias Paula, ya contesto el teléfono")
    relayed = await wait_for_text(paula, "ya contesto el teléfono")
    assert relayed["text"] == f"💬 #{ticket} · Cliente: Gracias Paula, ya contesto el teléfono"

    # While held, something that looks like a PIN is deleted, not relayed, and she is reminded.
    reminder = await maria.say(sentinels.pin, expect="Borré tu mensaje")
    assert any("Nadie de Produbanco" in (m["text"] or "") for m in reminder), reminder
    assert await maria.last_message_deleted(), "the PIN stayed in the chat"
    await wait_for_text(paula, f"#{ticket}: la persona escribió algo que parecía una clave")
    assert not shows(texts_of(await paula.state()), sentinels.pin), "the PIN reached Paula"

    # Paula verified her by phone: a private note, an unlock (a reason is required), hand back.
    await paula.say("/nota Verificada por llamada, pide desbloqueo", expect="Nota guardada")
    refused = await paula.say(f"/desbloquear {MARIA_CEDULA} corto", expect="Falta el motivo")
    assert refused
    await paula.say(f"/desbloquear {MARIA_CEDULA} {UNLOCK_REASON}", expect="Quité los bloqueos")
    await paula.say("/ticket", expect="Bloqueo por PIN")
    after_unlock = await wait_for_all(paula, "Estado de 17******65", "Bloqueo por PIN")
    assert "Bloqueo por PIN: no" in after_unlock, after_unlock
    await paula.say("/devolver", expect=f"Devolviste el ticket #{ticket}")
    handed = await wait_for_text(paula, f"Devolviste el ticket #{ticket}")
    assert "había terminado" in handed["text"], handed["text"]

    # María José: the assistant is back and offers the registration again; she finishes it.
    await wait_for_text(maria, "Paula terminó de atenderte")
    again = await wait_for_text(maria, "¿Lo empezamos otra vez?")
    assert any("Registrarme" in b["text"] for row in again["buttons"] for b in row)
    await maria.tap("Registrarme en Produbanco en línea")
    await maria.wait_step("identity_number")
    typed_later = await finish_registration(maria, playground, bank, sentinels)
    assert str(bank.registration.current_step(sender_id=maria.sender_id)) == "completed"

    # Nothing María José typed as a secret ever showed in Paula's chat.
    await wait_quiet(paula)
    seen_by_paula = texts_of(await paula.state())
    for secret in (
        *WRONG_PINS,
        sentinels.pin,
        sentinels.password,
        sentinels.first_name,
        sentinels.mother_surname,
        sentinels.father_surname,
        *typed_later,
    ):
        assert not shows(seen_by_paula, secret), f"Paula's chat shows the secret {secret}"
    bot_to_paula = " ".join(m["text"] or "" for m in bot_messages(await paula.state()))
    assert MARIA_CEDULA not in bot_to_paula, "the bot shows Paula only the masked cédula"

    # The audit, as an operator prints it, shows each of Paula's steps with her as the actor.
    rows = await asyncio.to_thread(audit_rows, system, "--customer", MARIA_CEDULA)
    by_paula = {row[2] for row in rows if len(row) >= 4 and row[1] == AGENT_ACTOR}
    for action in ("assist.take", "assist.reply", "assist.note", "assist.unlock"):
        assert action in by_paula, f"no {action} by Paula in the audit:\n{rows}"
    assert "assist.hand_back" in by_paula, f"no assist.hand_back by Paula in the audit:\n{rows}"
    unlocks = [json.loads(row[4]) for row in rows if row[1:3] == [AGENT_ACTOR, "assist.unlock"]]
    assert [u.get("result") for u in unlocks] == ["reason_required", "unlocked"], unlocks
    assert unlocks[-1].get("reason") == UNLOCK_REASON, unlocks
    assert any(row[1:3] == [AGENT_ACTOR, "identity.unlocked"] for row in rows), rows
    assert any(row[2] == "assist.ticket_opened" for row in rows), rows
    printed = "\n".join("\t".join(row) for row in rows)
    for secret in (*WRONG_PINS, sentinels.pin, sentinels.password, *typed_later):
        assert not shows(printed, secret), f"the audit shows the secret {secret}"
    assert "Gracias Paula" not in printed and "Te llamo ahora" not in printed, "no message text"


async def test_agent_on_the_phone_looks_up_and_resends_the_sms_code(
    playground: PlaygroundClient,
    bank: Bank,
    system: Servers,
) -> None:
    luis, paula = user(playground, bank, LUIS), user(playground, bank, PAULA)

    # Luis Fernando (a company's additional user, not registered) reaches the SMS code step.
    await luis.say("quiero registrarme")
    await luis.wait_step("identity_number")
    await luis.say("1791234561001")
    await luis.wait_step("additional_user_question")
    await luis.tap("Sí")
    await luis.wait_step("additional_cedula")
    await luis.say("1704567898")
    await luis.wait_step("pin")
    await type_secret(luis, "5678", "contact_confirmation")
    await luis.tap("Generar OTP")
    await luis.wait_step("otp")
    await wait_quiet(luis)
    first_code = await latest_sms_code(playground, LUIS_PHONE)

    # He calls: Paula looks him up and sees the step and the code's counters, never the code.
    looked_up = await paula.say(f"/buscar {LUIS_IDENTITY}", expect="Estado de")
    shown = next(m["text"] for m in looked_up if "Estado de" in (m["text"] or ""))
    assert "es cliente de Produbanco" in shown, shown
    assert "Registro en Produbanco en línea: paso otp, activo" in shown, shown
    assert re.search(r"Código SMS: vigente, \d+ intentos, vence a las \d\d:\d\d", shown), shown
    assert not shows(shown, first_code) and not shows(shown, "5678"), "no code, no PIN"

    # "No me llegó": a minute later Paula resends it; a second, immediate resend is refused.
    await asyncio.to_thread(backdate_open_codes, bank, luis.sender_id, 61)
    before = sms_count(await playground.outbox(), LUIS_PHONE)
    sent = await paula.say(f"/reenviar {LUIS_IDENTITY}", expect="Envié un nuevo código SMS")
    assert any("vale 5 min" in (m["text"] or "") for m in sent), sent
    outbox = await playground.outbox()
    assert sms_count(outbox, LUIS_PHONE) == before + 1, "one new SMS to the mobile on file"
    new_code = await latest_sms_code(playground, LUIS_PHONE)
    assert new_code != first_code
    too_soon = await paula.say(f"/reenviar {LUIS_IDENTITY}", expect="antes de enviar otro código")
    refusal = next(m["text"] for m in too_soon if "antes de enviar otro código" in m["text"])
    assert re.fullmatch(r"Espera \d+ s antes de enviar otro código a \S.*\.", refusal), refusal
    assert sms_count(await playground.outbox(), LUIS_PHONE) == before + 1, "no SMS was sent"
    assert not shows(texts_of(await paula.state()), new_code), "Paula never sees the code"

    # Luis types the new code and the registration goes on.
    assert str(bank.registration.current_step(sender_id=luis.sender_id)) == "otp"
    await type_secret(luis, new_code, "username")

    # The audit shows the lookup and both resends (with their outcomes) by Paula.
    rows = await asyncio.to_thread(audit_rows, system, "--customer", LUIS_IDENTITY)
    mine = [row for row in rows if len(row) >= 5 and row[1] == AGENT_ACTOR]
    assert any(row[2] == "assist.lookup" for row in mine), rows
    results = [json.loads(row[4]).get("result") for row in mine if row[2] == "assist.resend_otp"]
    assert results == ["sent", "too_soon"], rows
