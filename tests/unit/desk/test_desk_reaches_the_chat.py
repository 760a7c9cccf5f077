"""What an agent does at the web desk reaches the customer's chat for real: the bot (polling the
playground, a scripted Rasa, the real bank) delivers the desk's notices like the Telegram
commands: the agent joined, the reply with the agent's name, and after a hand back the assistant
is back and Rasa gets `/resume_after_agent` for the chat."""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

_BOT_TESTS = str(Path(__file__).resolve().parents[1] / "bot")
if _BOT_TESTS not in sys.path:
    sys.path.insert(0, _BOT_TESTS)

from sqlalchemy import select  # noqa: E402
from telegram_harness import RunningBot, reply  # noqa: E402
from test_assist_support import (  # noqa: E402
    CUSTOMER,
    CUSTOMER_KEY,
    assisted_bot,
    count,
    has_text,
    open_ticket,
    transcript_with,
)

from bank.db import unit_of_work  # noqa: E402
from bank.models import CustomerNotification  # noqa: E402
from bot.playground.client import bot_messages  # noqa: E402
from desk.app import build_app  # noqa: E402
from desk.settings import DeskSettings  # noqa: E402

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with assisted_bot(tmp_path) as running:
        yield running


async def _paula_at_the_desk(bot: RunningBot) -> tuple[httpx.AsyncClient, str]:
    app = build_app(bot.bank, DeskSettings(insecure_cookies=True), event_seconds=0.05)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")
    form = await client.get("/entrar")
    token = _CSRF.search(form.text)
    assert token
    signed = await client.post(
        "/entrar",
        data={"csrf": token.group(1), "usuario": "paula", "clave": "paula-escritorio-demo"},
    )
    assert signed.status_code == 303
    page = await client.get("/")
    csrf = _CSRF.search(page.text)
    assert csrf
    return client, csrf.group(1)


async def test_take_reply_and_hand_back_reach_the_customer(bot: RunningBot) -> None:
    reg = bot.bank.registration
    reg.start(sender_id=CUSTOMER_KEY)
    assert reg.submit_identity_number(sender_id=CUSTOMER_KEY, text="1710034065").code == "ok"
    assert reg.submit_pin(sender_id=CUSTOMER_KEY, pin="1234").code == "ok"
    number = open_ticket(bot)
    desk, csrf = await _paula_at_the_desk(bot)
    try:
        taken = await desk.post(f"/tickets/{number}/tomar", data={"csrf": csrf})
        assert taken.status_code == 303
        await bot.wait(CUSTOMER, has_text("Paula, de nuestro equipo, se unió"))

        # While Paula holds the chat, what María José types goes to Paula, not to Rasa.
        received = len(bot.rasa.received)
        await bot.playground.client.send_text(CUSTOMER, "hola, ¿me ayudas?")
        await transcript_with(bot, "hola, ¿me ayudas?")
        assert len(bot.rasa.received) == received

        sent = await desk.post(
            f"/tickets/{number}/responder",
            data={"csrf": csrf, "texto": "Claro, te ayudo con tu registro."},
        )
        assert sent.status_code == 200
        await bot.wait(CUSTOMER, has_text("Paula (Produbanco): Claro, te ayudo con tu registro."))

        bot.rasa.reply_with(reply(text="¡Hola de nuevo! 👋 Confirma tu celular"))
        before = await count(bot, CUSTOMER)
        back = await desk.post(f"/tickets/{number}/devolver", data={"csrf": csrf, "paso": ""})
        assert back.status_code == 200 and "Devolviste el ticket" in back.text
        state = await bot.wait(CUSTOMER, has_text("Confirma tu celular", after=before))
    finally:
        await desk.aclose()
    texts = [m["text"] for m in bot_messages(state)[before:]]
    assert texts == [
        "✅ Paula terminó de atenderte. Ahora te atiendo otra vez yo, el asistente de "
        "Produbanco. 🤖",
        "¡Hola de nuevo! 👋 Confirma tu celular",
    ]
    resume = bot.rasa.received[-1]
    assert resume["message"] == "/resume_after_agent" and resume["sender"] == CUSTOMER_KEY
    assert bot.bank.tickets.holder(sender_id=CUSTOMER_KEY) is None
    # Every desk notice was delivered once, and the reply's text is not kept once delivered.
    pending = bot.bank.notifications.claim(limit=100)
    assert [n.kind for n in pending if n.kind.startswith("assist_desk_")] == []
    with unit_of_work(bot.bank.sessions) as session:
        rows = session.scalars(
            select(CustomerNotification).where(CustomerNotification.kind == "assist_desk_reply")
        ).all()
        assert [(row.delivered_at is not None, row.data) for row in rows] == [
            (True, {"ticket": number, "agent_name": "Paula"})
        ]
