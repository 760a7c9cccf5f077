"""Assisted mode through the real bot and the Bot API stand-in, against the real bank: an agent
takes a customer's ticket, sees the redacted transcript and the journey's state (never a secret),
replies (the customer sees the name and "typing..."), notes, and hands back; while the agent
holds the chat nothing reaches Rasa, and a PIN-like message is deleted, not relayed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from stdnum.ec import ci
from telegram_harness import RunningBot, reply
from test_assist_support import (
    AGENT,
    AGENT_NAME,
    CUSTOMER,
    CUSTOMER_KEY,
    agent_says,
    assisted_bot,
    count,
    everything_shown,
    has_text,
    message_with,
    open_ticket,
)

from bank.db import unit_of_work
from bank.models import PERSON, Customer
from bank.outbox import read_outbox
from bot.chat_state import chat_state_of
from bot.playground.client import bot_messages, find_button

SENTINEL_PIN = "8642"
SENTINEL_PASSWORD = "Centinela7Qx9Lm"
SENTINEL_USERNAME = "Sentinela2026"
SENTINEL_MOBILE = "+593991112233"


def _sentinel_cedula() -> str:
    return next(p for p in (f"171111111{d}" for d in range(10)) if ci.is_valid(p))


@pytest.fixture
async def bot(tmp_path: Path) -> RunningBot:  # type: ignore[misc]
    async with assisted_bot(tmp_path) as running:
        yield running


def _registration_with_secrets(bot: RunningBot) -> dict[str, str]:
    """A registration in María José's chat with known secrets typed, up to the password's
    confirmation (PIN, SMS code, username and password all given)."""
    bank, cedula = bot.bank, _sentinel_cedula()
    with unit_of_work(bank.sessions) as session:
        session.add(
            Customer(
                kind=PERSON,
                id_number=cedula,
                full_name="Sentinela Prueba Uno",
                email="sentinela@example.com",
                mobile=SENTINEL_MOBILE,
                pin_hash=bank.hasher.hash(SENTINEL_PIN),
            )
        )
    reg = bank.registration
    reg.start(sender_id=CUSTOMER_KEY)
    assert reg.submit_identity_number(sender_id=CUSTOMER_KEY, text=cedula).code == "ok"
    assert reg.submit_pin(sender_id=CUSTOMER_KEY, pin=SENTINEL_PIN).code == "ok"
    assert reg.request_otp(sender_id=CUSTOMER_KEY).code == "sent"
    otp = read_outbox(bank.sessions)[-1].body.split("temporal es ")[1][:6]
    assert otp.isdigit()
    assert reg.submit_otp(sender_id=CUSTOMER_KEY, code=otp).code == "ok"
    username = SENTINEL_USERNAME
    assert reg.submit_username(sender_id=CUSTOMER_KEY, text=username).code == "ok"
    assert reg.submit_username_confirmation(sender_id=CUSTOMER_KEY, text=username).code == "ok"
    assert reg.submit_password(sender_id=CUSTOMER_KEY, password=SENTINEL_PASSWORD).code == "ok"
    return {
        "pin": SENTINEL_PIN,
        "otp": otp,
        "password": SENTINEL_PASSWORD,
        "username": SENTINEL_USERNAME,
        "cedula": cedula,
    }


async def _customer_chats_with_secrets(bot: RunningBot) -> None:
    """María José talks to the assistant: a PIN typed at a secure prompt (boxed), her password
    typed by mistake as plain text, a button offered, then she asks for a person."""
    bot.rasa.reply_with(
        reply(text="Escribe tu clave de 4 dígitos"),
        reply(custom={"type": "secure_input", "kind": "pin"}),
    )
    await bot.say(CUSTOMER, "quiero registrarme")
    bot.rasa.reply_with(reply(text="Gracias, la verifiqué"))
    await bot.playground.client.send_text(CUSTOMER, SENTINEL_PIN)
    await bot.wait(CUSTOMER, has_text("la verifiqué"))
    bot.rasa.reply_with(
        reply(
            text="¿Quieres seguir?",
            buttons=[{"title": "Sí, seguir", "payload": "/affirm"}],
        )
    )
    await bot.say(CUSTOMER, f"mi clave es {SENTINEL_PASSWORD}")
    bot.rasa.reply_with(reply(text="Te comunico con una persona de nuestro equipo"))
    await bot.say(CUSTOMER, "quiero hablar con un asesor")


async def _take_from_the_notice(bot: RunningBot, number: int) -> None:
    """Paula taps "Tomar" on the new-ticket notice; she is shown the ticket, its transcript and
    the journey's state, and the customer is told she joined."""
    state = await bot.wait(AGENT, has_text(f"Nuevo ticket #{number}"))
    notice = message_with(state, f"Nuevo ticket #{number}")
    assert f"/tomar {number}" in notice["text"]
    before = await count(bot, AGENT)
    button = find_button(notice, f"Tomar #{number}")
    await bot.playground.client.tap(AGENT, notice["message_id"], button["callback_data"])
    await bot.wait(AGENT, has_text("🔎 Estado de", after=before))
    await bot.wait(CUSTOMER, has_text(f"{AGENT_NAME}, de nuestro equipo, se unió"))


async def test_the_agent_sees_the_ticket_transcript_and_state_but_no_secret(
    bot: RunningBot,
) -> None:
    secrets = _registration_with_secrets(bot)
    await _customer_chats_with_secrets(bot)
    number = open_ticket(bot)
    await _take_from_the_notice(bot, number)

    agent_chat = await bot.playground.client.chat(AGENT)
    shown = everything_shown(agent_chat)
    assert f"Tomaste el ticket #{number}" in shown
    assert "Motivo: pidió hablar con un asesor" in shown
    assert "Registro en Produbanco en línea · paso password_confirmation" in shown
    assert "Persona: 17******" in shown
    # The transcript: what she typed and what the assistant answered, the PIN as a marker.
    transcript = message_with(agent_chat, "📝 Conversación")["text"]
    assert "Cliente: quiero registrarme" in transcript
    assert "Asistente: Escribe tu clave de 4 dígitos" in transcript
    assert "Cliente: [dato secreto oculto]" in transcript
    assert "Cliente: mi clave es [clave oculta]" in transcript
    assert "Asistente: Te comunico con una persona" in transcript
    # The state: journey, step, where it may go back, locks, the SMS code's counters.
    state_view = message_with(agent_chat, "🔎 Estado de")["text"]
    assert "Identidad comprobada: sí" in state_view
    assert "paso password_confirmation" in state_view
    assert "/devolver puede volver a: password, username" in state_view
    assert "Bloqueo por PIN: no" in state_view
    assert "Código SMS: ninguno vigente" in state_view
    for name, secret in secrets.items():
        assert secret not in shown, f"the agent's chat shows the {name}"
    lines = bot.bank.transcripts.lines(sender_id=CUSTOMER_KEY)
    stored = "\n".join(line.text for line in lines)
    for name, secret in secrets.items():
        assert secret not in stored, f"the transcript keeps the {name}"
    # The Rasa side saw no agent command and no secret either.
    assert SENTINEL_PIN not in bot.rasa.everything_received()
    assert not any("/tomar" in message for message in bot.rasa.messages)


async def test_replies_notes_relays_and_a_secret_while_the_agent_holds_the_chat(
    bot: RunningBot,
) -> None:
    await _customer_chats_with_secrets(bot)
    number = open_ticket(bot)
    await _take_from_the_notice(bot, number)
    to_rasa = len(bot.rasa.messages)

    # Paula replies: the customer sees "typing..." first, then the message with her name.
    before = await count(bot, CUSTOMER)
    await bot.playground.client.send_text(AGENT, "Hola María José, ¿en qué te ayudo?")
    typing_seen = await bot.wait(CUSTOMER, lambda s: s["typing"])
    assert len(bot_messages(typing_seen)) == before
    state = await bot.wait(CUSTOMER, has_text("¿en qué te ayudo?", after=before))
    relayed = bot_messages(state)[-1]
    assert relayed["text"] == "🧑‍💼 Paula (Produbanco): Hola María José, ¿en qué te ayudo?"
    assert "<b>Paula</b>" in relayed["html"]

    # A private note: the agent is told, the customer sees nothing.
    customer_count = await count(bot, CUSTOMER)
    await agent_says(bot, "/nota llamar si no responde", "Nota guardada")
    await asyncio.sleep(0.3)
    assert await count(bot, CUSTOMER) == customer_count
    # The customer writes: the agent gets it with the ticket number; Rasa gets nothing.
    before = await count(bot, AGENT)
    await bot.playground.client.send_text(CUSTOMER, "no me llega el SMS")
    state = await bot.wait(AGENT, has_text("no me llega el SMS", after=before))
    assert bot_messages(state)[-1]["text"] == f"💬 #{number} · Cliente: no me llega el SMS"

    # A PIN-like message: deleted, not relayed, the customer reminded, the agent told only that.
    before_agent = await count(bot, AGENT)
    _, pin_id = await bot.playground.client.send_text(CUSTOMER, f"mi pin es {SENTINEL_PIN}")
    state = await bot.wait(CUSTOMER, has_text("Nadie de Produbanco", after=customer_count))
    deleted = next(m for m in state["messages"] if m["message_id"] == pin_id)
    assert deleted["deleted"]
    assert "no se lo mostré a Paula" in bot_messages(state)[-1]["text"]
    agent_state = await bot.wait(AGENT, has_text("parecía una clave", after=before_agent))
    assert SENTINEL_PIN not in everything_shown(agent_state)

    # While a secure input is pending, anything typed is treated the same way.
    chat_state_of(bot.bank).pending_inputs.set(CUSTOMER_KEY, "password")
    _, typed_id = await bot.playground.client.send_text(CUSTOMER, "hola")
    state = await bot.wait(
        CUSTOMER, lambda s: next(m for m in s["messages"] if m["message_id"] == typed_id)["deleted"]
    )

    # A tap on an earlier button: answered with who is helping; nothing reaches Rasa.
    question = message_with(state, "¿Quieres seguir?")
    button = find_button(question, "Sí, seguir")
    await bot.playground.client.tap(CUSTOMER, question["message_id"], button["callback_data"])
    state = await bot.wait(CUSTOMER, lambda s: any(a["answered"] for a in s["callback_answers"]))
    assert state["callback_answers"][-1]["text"] == "Ahora te atiende Paula: escríbele aquí."
    assert find_button(message_with(state, "¿Quieres seguir?"), "Sí, seguir")  # still usable

    await asyncio.sleep(0.3)
    assert len(bot.rasa.messages) == to_rasa, "nothing reached Rasa while the agent held the chat"
    lines = [
        f"{line.role}: {line.text}" for line in bot.bank.transcripts.lines(sender_id=CUSTOMER_KEY)
    ]
    assert "asesor: Hola María José, ¿en qué te ayudo?" in lines
    assert "cliente: no me llega el SMS" in lines
    assert not any(SENTINEL_PIN in line for line in lines)


async def test_handing_back_resumes_the_journey_through_rasa(bot: RunningBot) -> None:
    _registration_with_secrets(bot)
    await _customer_chats_with_secrets(bot)
    number = open_ticket(bot)
    await _take_from_the_notice(bot, number)

    # An earlier step the journey cannot go back to: refused with the steps it can.
    state = await agent_says(bot, "/devolver otp", "No puedo llevar")
    assert "puede volver a: password, username" in bot_messages(state)[-1]["text"]

    bot.rasa.reply_with(reply(text="¡Hola de nuevo! 👋 Escribe un usuario"))
    before = await count(bot, CUSTOMER)
    state = await agent_says(bot, "/devolver username", "Devolviste el ticket")
    assert bot_messages(state)[-1]["text"] == (
        f"↩️ Devolviste el ticket #{number} al asistente. "
        "Registro en Produbanco en línea volvió al paso username."
    )
    state = await bot.wait(CUSTOMER, has_text("Escribe un usuario", after=before))
    texts = [m["text"] for m in bot_messages(state)[before:]]
    assert texts == [
        "✅ Paula terminó de atenderte. Ahora te atiendo otra vez yo, el asistente de "
        "Produbanco. 🤖",
        "¡Hola de nuevo! 👋 Escribe un usuario",
    ]
    resume = bot.rasa.received[-1]
    assert resume["message"] == "/resume_after_agent"
    assert resume["sender"] == CUSTOMER_KEY
    assert resume["metadata"]["telegram_user_id"] == CUSTOMER
    assert bot.bank.registration.current_step(sender_id=CUSTOMER_KEY) == "username"
    # The assistant answers her again; a typed "/resume_after_agent" is still refused.
    await bot.say(CUSTOMER, "/resume_after_agent")
    assert bot.rasa.messages[-1] == "/typed_command"
    await bot.say(CUSTOMER, "MiUsuario")
    assert bot.rasa.messages[-1] == "MiUsuario"
    actions = [row.action for row in bot.bank.audit_log.read(agent=AGENT)]
    assert {"assist.take", "assist.hand_back"} <= set(actions)


async def test_closing_names_the_next_ticket_and_switching_shows_it(bot: RunningBot) -> None:
    first = open_ticket(bot)
    second = open_ticket(bot, "tg:1002", reason="locked")
    await agent_says(bot, f"/tomar {first}", "🔎 Estado de")
    await agent_says(bot, f"/tomar {second}", "🔎 Estado de")
    state = await agent_says(bot, f"/tomar {second}", "ya es tuyo")
    assert (
        bot_messages(state)[-1]["text"]
        == f"El ticket #{second} ya es tuyo. Para atenderlo: /cambiar {second}"
    )
    state = await agent_says(bot, "/cola", "Cola de atención")
    queue = bot_messages(state)[-1]["text"]
    assert f"#{second} · quedó bloqueado" in queue and "👈 actual" in queue
    state = await agent_says(bot, f"/cambiar {first}", "Ahora atiendes")
    state = await agent_says(bot, "/ticket", f"🎫 Ticket #{first}")
    assert f"Tus tickets: #{first}, #{second}" in message_with(state, "🎫 Ticket")["text"]

    bot.rasa.reply_with(reply(text="¡Hola de nuevo! 👋 Aquí sigo para ayudarte."))
    state = await agent_says(bot, "/cerrar", "Cerraste el ticket")
    closed = bot_messages(state)[-1]["text"]
    assert closed == (
        f"✅ Cerraste el ticket #{first}. No tenía un trámite en curso.\n\n"
        f"👉 Tu ticket actual ahora es el #{second}: /ticket para verlo."
    )
    await bot.wait(CUSTOMER, has_text("Aquí sigo para ayudarte"))
    assert bot.rasa.messages[-1] == "/resume_after_agent"
    # A ticket that is over cannot be taken again; the other agent actions need a ticket.
    state = await agent_says(bot, f"/tomar {first}", f"No hay un ticket #{first} abierto")
    bot.rasa.reply_with(reply(text="¡Hola de nuevo!", recipient_id="tg:1002"))
    await agent_says(bot, "/cerrar", "Cerraste el ticket")
    await agent_says(bot, "/ticket", "No tienes un ticket en atención")
    await agent_says(bot, "/nota algo", "No tienes un ticket en atención")
    await agent_says(bot, "/tomar", "Así se usa")
    await agent_says(bot, "/cambiar doce", "Así se usa")


async def test_an_agent_without_a_ticket_talks_to_the_assistant(bot: RunningBot) -> None:
    bot.rasa.reply_with(reply(text="Hola, ¿en qué te ayudo?", recipient_id="tg:1005"))
    await bot.say(AGENT, "hola")
    assert bot.rasa.messages == ["hola"]
    assert bot.rasa.received[0]["sender"] == "tg:1005"


async def test_a_removed_agent_gets_the_customer_experience(bot: RunningBot) -> None:
    number = open_ticket(bot)
    assert bot.bank.agents.remove(telegram_user_id=AGENT).code == "removed"
    await bot.say(AGENT, f"/tomar {number}")
    assert bot.rasa.messages == ["/typed_command"]
    assert bot.bank.tickets.holder(sender_id=CUSTOMER_KEY) is None
    await bot.say(CUSTOMER, "hola")
    assert bot.rasa.messages[-1] == "hola"
