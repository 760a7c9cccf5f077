"""Who may use the agent commands: only active agents (bank.agents.is_agent). Anyone else gets the
customer experience, exactly as for any unknown /command; agents also get the commands in their
chat's "/" menu. And the expiry job: nobody took a ticket in time, the customer is told."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from telegram_harness import RunningBot, reply
from test_assist_support import (
    AGENT,
    CUSTOMER,
    CUSTOMER_KEY,
    LUIS,
    agent_says,
    assisted_bot,
    everything_shown,
    has_text,
    open_ticket,
    transcript_with,
)

from bank.clock import FixedClock
from bot.playground.client import bot_messages
from bot.telegram.assist.command_parsing import AGENT_COMMANDS
from bot.telegram.assist.menu import refresh_agent_menus


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def bot(tmp_path: Path, clock: FixedClock) -> RunningBot:  # type: ignore[misc]
    async with assisted_bot(tmp_path, clock=clock) as running:
        yield running


ARGUMENTS = {
    "tomar": "1",
    "cambiar": "1",
    "nota": "hola",
    "buscar": "1710034065",
    "reenviar": "1710034065",
    "desbloquear": "0928765437 verificado por teléfono",
    "enlace": "1710034065 registro",
}


async def test_a_non_agent_gets_the_customer_experience_for_every_agent_command(
    bot: RunningBot,
) -> None:
    number = open_ticket(bot, "tg:2999")
    for name in AGENT_COMMANDS:
        typed = f"/{name} {ARGUMENTS.get(name, '')}".strip()
        state = await bot.say(CUSTOMER, typed)
        assert bot_messages(state)[-1]["text"] == "ok", typed  # what the fake Rasa answers
    # Each went to Rasa as the refusal of a typed command, like any unknown /command.
    assert bot.rasa.messages == ["/typed_command"] * len(AGENT_COMMANDS)
    assert all(body["sender"] == CUSTOMER_KEY for body in bot.rasa.received)
    # Nothing happened in the bank: the ticket still waits, no agent action was audited, no SMS.
    assert bot.bank.tickets.position(sender_id="tg:2999").code == "waiting"
    assert bot.bank.tickets.holder(sender_id="tg:2999") is None
    assert not [r for r in bot.bank.audit_log.read() if r.actor.startswith("agent:")]
    assert not (await bot.playground.client.outbox())
    assert number
    # Their plain text is theirs: it goes to the assistant, not to any customer.
    await bot.say(LUIS, "hola")
    assert bot.rasa.messages[-1] == "hola"


async def test_agents_get_their_commands_and_the_menu(bot: RunningBot) -> None:
    state = await agent_says(bot, "/asesor", "Modo asesor")
    help_text = bot_messages(state)[-1]["text"]
    for name in AGENT_COMMANDS:
        assert f"/{name}" in help_text
    assert "Nunca pidas claves, PIN ni códigos" in help_text
    commands = [c["command"] for c in (await bot.playground.client.chat(AGENT))["commands"]]
    assert commands == ["start", "ayuda", "cancelar", *AGENT_COMMANDS]
    customer = [c["command"] for c in (await bot.playground.client.chat(CUSTOMER))["commands"]]
    assert customer == ["start", "ayuda", "cancelar"]
    assert bot.rasa.messages == [], "agent commands never reach Rasa"
    # At start the bot refreshes the menus: a removed agent's chat loses the agent commands.
    bot.bank.agents.remove(telegram_user_id=AGENT)
    services = bot.application.bot_data["services"]
    await refresh_agent_menus(bot.application.bot, services.texts, services.assist)
    commands = [c["command"] for c in (await bot.playground.client.chat(AGENT))["commands"]]
    assert commands == ["start", "ayuda", "cancelar"]


async def test_the_new_ticket_notice_and_the_queue(bot: RunningBot, clock: FixedClock) -> None:
    number = open_ticket(bot, reason="not_my_number")
    state = await bot.wait(AGENT, has_text(f"Nuevo ticket #{number}"))
    notice = bot_messages(state)[-1]
    assert notice["text"] == (
        f"🔔 Nuevo ticket #{number}: dice que el celular registrado no es suyo.\n"
        "Trámite: sin trámite\nPersona: identidad desconocida\nEn espera ahora: 1\n"
        f"Tómalo con el botón o escribe /tomar {number}"
    )
    assert [b["text"] for row in notice["buttons"] for b in row] == [f"🙋 Tomar #{number}"]
    clock.advance(minutes=3)
    state = await agent_says(bot, "/cola", "Cola de atención")
    queue = bot_messages(state)[-1]
    assert (
        f"⏳ En espera: 1\n#{number} · dice que el celular registrado no es suyo · sin trámite · "
        "identidad desconocida · hace 3 min"
    ) in queue["text"]
    assert [b["text"] for row in queue["buttons"] for b in row] == [f"🙋 Tomar #{number}"]


async def test_no_agent_in_time_moves_the_ticket_to_follow_up_and_tells_the_customer(
    bot: RunningBot, clock: FixedClock
) -> None:
    number = open_ticket(bot)
    await bot.wait(AGENT, has_text(f"Nuevo ticket #{number}"))
    clock.advance(timedelta(minutes=10))
    state = await bot.wait(CUSTOMER, has_text("ningún asesor pudo atenderte"))
    told = bot_messages(state)[-1]["text"]
    assert "1700 123 123" in told and f"ticket #{number}" in told
    assert bot.bank.tickets.position(sender_id=CUSTOMER_KEY).code == "follow_up"
    await transcript_with(bot, "asistente: 😕 Por ahora ningún asesor")  # notices are kept too
    # Agents still see it, under follow-up, and may take it.
    state = await agent_says(bot, "/cola", "Cola de atención")
    assert "📞 En seguimiento (nadie los tomó a tiempo): 1" in bot_messages(state)[-1]["text"]
    await agent_says(bot, f"/tomar {number}", "🔎 Estado de")
    await bot.wait(CUSTOMER, has_text("se unió a la conversación"))
    # Told once: the job runs every 0.2 s but the bank expires each ticket once.
    chat = await bot.playground.client.chat(CUSTOMER)
    assert everything_shown(chat).count("ningún asesor") == 1


async def test_a_customer_who_cancels_leaves_the_agent_a_notice(bot: RunningBot) -> None:
    number = open_ticket(bot)
    await agent_says(bot, f"/tomar {number}", "🔎 Estado de")
    assert bot.bank.tickets.cancel(sender_id=CUSTOMER_KEY).code == "cancelled"
    state = await bot.wait(AGENT, has_text("canceló la atención"))
    assert f"ticket #{number}" in bot_messages(state)[-1]["text"]
    await bot.say(CUSTOMER, "hola")
    assert bot.rasa.messages[-1] == "hola", "the assistant answers her again"


async def test_a_customer_leaves_a_held_chat_with_cancelar(bot: RunningBot) -> None:
    number = open_ticket(bot)
    await agent_says(bot, f"/tomar {number}", "🔎 Estado de")
    bot.rasa.reply_with(reply(text="¡Hola de nuevo! 👋 ¿En qué te ayudo?"))
    await bot.playground.client.send_text(CUSTOMER, "cancelar")  # typed words go to the agent
    await bot.wait(AGENT, has_text("Cliente: cancelar"))
    assert bot.bank.tickets.holder(sender_id=CUSTOMER_KEY) is not None
    await bot.playground.client.send_text(CUSTOMER, "/cancelar")  # her way out
    state = await bot.wait(CUSTOMER, has_text("¿En qué te ayudo?"))
    assert any("dejaste la conversación con Paula" in m["text"] for m in bot_messages(state))
    assert bot.bank.tickets.holder(sender_id=CUSTOMER_KEY) is None
    assert bot.rasa.messages[-1] == "/resume_after_agent"
    await bot.wait(AGENT, has_text("canceló la atención"))
