"""An agent helping by phone, through the real bot: look a customer up by cédula, resend the SMS
code within the registration's limits, unlock with a reason, send a deep link by SMS. Every
outcome gets a Spanish reply; the agent never sees a code."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from telegram_harness import RunningBot
from test_assist_support import AGENT, agent_says, assisted_bot, everything_shown

from bank.clock import FixedClock
from bank.demo import JORGE, LUIS, MARIA
from bank.outbox import read_outbox
from bot.playground.client import bot_messages

CHAT = "tg:1001"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def bot(tmp_path: Path, clock: FixedClock) -> RunningBot:  # type: ignore[misc]
    async with assisted_bot(tmp_path, clock=clock) as running:
        yield running


async def last(bot: RunningBot, typed: str, expect: str) -> str:
    state = await agent_says(bot, typed, expect)
    return str(bot_messages(state)[-1]["text"])


def _sms_to_maria(bot: RunningBot) -> list[str]:
    return [m.body for m in read_outbox(bot.bank.sessions) if m.channel == "sms"]


async def test_lookup_shows_the_state_by_cedula(bot: RunningBot) -> None:
    found = await last(bot, f"/buscar {MARIA.id_number}", "🔎")
    assert found.startswith("🔎 17******65 es cliente de Produbanco.\n\n🔎 Estado de 17******65")
    assert "Ya tiene usuario: no" in found and "Trámites:\n—" in found
    jorge = await last(bot, f"/buscar {JORGE.id_number}", "🔎")
    assert "Bloqueo por PIN: sí, hasta que un asesor lo desbloquee" in jorge
    unknown = await last(bot, "/buscar 1709999997", "🔎")
    assert unknown.startswith("🔎 17******97 no es cliente de Produbanco.")
    assert "Ese número no parece" in await last(bot, "/buscar 123", "Ese número")
    assert "Así se usa:\n/buscar" in await last(bot, "/buscar", "Así se usa")
    assert MARIA.id_number not in everything_shown(await bot.playground.client.chat(AGENT))


async def test_resend_otp_within_the_limits(bot: RunningBot, clock: FixedClock) -> None:
    reg = bot.bank.registration
    reg.start(sender_id=CHAT)
    assert reg.submit_identity_number(sender_id=CHAT, text=MARIA.id_number).code == "ok"
    assert reg.submit_pin(sender_id=CHAT, pin=str(MARIA.pin)).code == "ok"
    assert reg.request_otp(sender_id=CHAT).code == "sent"
    assert await last(bot, f"/reenviar {MARIA.id_number}", "Espera") == (
        "Espera 60 s antes de enviar otro código a 17******65."
    )
    clock.advance(timedelta(seconds=61))
    assert await last(bot, f"/reenviar {MARIA.id_number}", "Envié") == (
        "📩 Envié un nuevo código SMS de 17******65 al 09******67; vale 5 min."
    )
    assert len(_sms_to_maria(bot)) == 2
    state = await agent_says(bot, "/buscar 1710034065", "🔎")
    view = bot_messages(state)[-1]["text"]
    assert "paso otp" in view and "Código SMS: vigente, 5 intentos" in view
    assert "se pueden enviar 1 más en esta media hora" in view
    codes = [body.split("temporal es ")[1][:6] for body in _sms_to_maria(bot)]
    shown = everything_shown(await bot.playground.client.chat(AGENT))
    assert not any(code in shown for code in codes), "the agent never sees an SMS code"
    no_journey = await last(bot, f"/reenviar {LUIS.id_number}", "registro")
    assert no_journey.startswith("17******98 no tiene un registro esperando el código SMS")


async def test_unlock_needs_a_reason(bot: RunningBot) -> None:
    required = await last(bot, f"/desbloquear {JORGE.id_number}", "Falta el motivo")
    assert required.startswith("Falta el motivo (de 10 a 300 caracteres). Así se usa:\n")
    await last(bot, f"/desbloquear {JORGE.id_number} llamó", "Falta el motivo")
    reason = "verificado por teléfono con sus datos"
    unlocked = await last(bot, f"/desbloquear {JORGE.id_number} {reason}", "Quité")
    assert unlocked == "🔓 Quité los bloqueos de 09******37. El motivo quedó en la auditoría."
    again = await last(bot, f"/desbloquear {JORGE.id_number} {reason}", "no tenía")
    assert again == "09******37 no tenía bloqueos."
    rows = [r for r in bot.bank.audit_log.read(agent=AGENT) if r.action == "assist.unlock"]
    assert [r.details["result"] for r in rows] == [
        "reason_required",
        "reason_required",
        "unlocked",
        "not_locked",
    ]
    assert rows[2].details["reason"] == reason
    assert rows[2].actor == "agent:1005 Paula"


async def test_send_a_deep_link_by_sms(bot: RunningBot) -> None:
    sent = await last(bot, f"/enlace {MARIA.id_number} registro", "Envié por SMS")
    assert sent.startswith(
        "🔗 Envié por SMS al 09******67 el enlace para Registro en Produbanco en línea: https://t.me/"
    )
    assert sent.endswith("?start=registro")
    assert "?start=registro" in _sms_to_maria(bot)[-1]
    refused = await last(bot, f"/enlace {MARIA.id_number} banco", "no existe")
    assert refused == "Ese trámite no existe. Elige uno: entrar, hijos, mini, registro."
    assert "Así se usa" in await last(bot, f"/enlace {MARIA.id_number}", "Así se usa")
    actions = {r.action for r in bot.bank.audit_log.read(agent=AGENT)}
    assert "assist.send_link" in actions
    assert bot.rasa.messages == []
