"""The real Application against the playground with a scripted Rasa, under faults: Telegram
sends that fail (502), Rasa down for a while, messages written while the bot was down, and a
graceful stop in polling and webhook mode."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from bot_fakes import FakeRasa
from playground_support import CUSTOMER, PARENT, Playground, running_playground
from telegram.ext import Application
from telegram_harness import cheap_bank, reply, running_bot

from bot.playground.client import bot_messages
from bot.telegram.application import build_application
from bot.telegram.runner import serve_webhook
from bot.telegram.settings import load_bot_settings
from bot.telegram.webhook import SECRET_HEADER
from tests.support.servers import free_port

MOMENT = "Un momento"
LOST = "no te llegó"
UNAVAILABLE = "No pude conectarme"
QUICK_RETRIES = {"TELEGRAM_RETRY_ATTEMPTS": "2", "TELEGRAM_RETRY_SECONDS": "2"}


def texts(state: dict[str, object]) -> list[str]:
    return [str(m["text"] or m["caption"] or "") for m in bot_messages(state)]  # type: ignore[arg-type]


def count(state: dict[str, object], fragment: str) -> int:
    return sum(fragment in text for text in texts(state))


# --- Telegram fails on a send -----------------------------------------------------------------


async def test_one_502_on_a_send_is_retried_and_nothing_else_is_shown(tmp_path: Path) -> None:
    async with (
        running_playground() as playground,
        running_bot(playground, FakeRasa(), tmp_path) as bot,
    ):
        await playground.client.inject_fault("sendMessage", count=1, error_code=502)
        state = await bot.say(CUSTOMER, "hola")
        assert texts(state) == ["ok"]
        assert (await playground.client.stats())["errors"]["sendMessage"] == 1


async def test_a_send_that_keeps_failing_gets_an_apology_and_the_step_asked_again(
    tmp_path: Path,
) -> None:
    rasa = FakeRasa()
    rasa.reply_with(reply(text="Paso siguiente: ¿cuál es tu clave de 4 dígitos?"))
    rasa.reply_with(reply(text="Paso siguiente: ¿cuál es tu clave de 4 dígitos?"))
    async with (
        running_playground() as playground,
        running_bot(playground, rasa, tmp_path, **QUICK_RETRIES) as bot,
    ):
        # Two failures use up the turn's send, two more the apology's first try: the apology
        # itself is tried again a moment later, then the step is asked again.
        await playground.client.inject_fault("sendMessage", count=4, error_code=502)
        state = await bot.say(CUSTOMER, "1710034065", answers=2)
        assert LOST in texts(state)[0]
        assert texts(state)[1] == "Paso siguiente: ¿cuál es tu clave de 4 dígitos?"
        assert len(texts(state)) == 2 and count(state, "Algo salió mal") == 0
        assert rasa.messages == ["1710034065", "/resume_after_agent"], "never resent"


async def test_a_protected_reply_that_may_have_arrived_is_not_sent_twice(tmp_path: Path) -> None:
    rasa = FakeRasa()
    contact = (reply(text="Celular: 09****4567"), reply(custom={"type": "sensitive"}))
    rasa.reply_with(*contact)
    rasa.reply_with(*contact)
    async with (
        running_playground() as playground,
        running_bot(playground, rasa, tmp_path) as bot,
    ):
        # A 502 may hide a delivered message: a protected one is not retried but recovered.
        await playground.client.inject_fault("sendMessage", count=1, error_code=502)
        state = await bot.say(CUSTOMER, "sí", answers=2)
        assert LOST in texts(state)[0]
        assert count(state, "Celular") == 1
        assert bot_messages(state)[1]["protect_content"]
        assert rasa.messages == ["sí", "/resume_after_agent"]


# --- Rasa is down -----------------------------------------------------------------------------


async def test_a_chat_waiting_for_rasa_is_answered_in_order_and_blocks_no_other_chat(
    tmp_path: Path,
) -> None:
    rasa = FakeRasa()
    rasa.down_for = {f"tg:{CUSTOMER}"}
    async with (
        running_playground() as playground,
        running_bot(playground, rasa, tmp_path) as bot,
    ):
        state = await bot.say(CUSTOMER, "1710034065")
        assert MOMENT in texts(state)[-1]
        await playground.client.send_text(CUSTOMER, "¿sigues ahí?")  # waits behind the first
        other = await bot.say(PARENT, "hola")
        assert texts(other) == ["ok"], "another chat is answered while this one waits"
        rasa.down_for = set()
        state = await bot.wait(CUSTOMER, lambda s: len(bot_messages(s)) == 3)
        assert texts(state) == [texts(state)[0], "ok", "ok"]
        assert count(state, MOMENT) == 1, "told once per chat per outage"
        sent = [body["message"] for body in rasa.received if body["sender"] == f"tg:{CUSTOMER}"]
        assert sent == ["1710034065", "¿sigues ahí?"]


async def test_rasa_not_back_in_time_gets_write_again_and_was_never_sent(tmp_path: Path) -> None:
    rasa = FakeRasa()
    rasa.down = True
    async with (
        running_playground() as playground,
        running_bot(playground, rasa, tmp_path, RASA_OUTAGE_SECONDS="0.5") as bot,
    ):
        state = await bot.say(CUSTOMER, "hola", answers=2)
        assert MOMENT in texts(state)[0] and UNAVAILABLE in texts(state)[1]
        assert rasa.received == []


async def test_beyond_the_waiting_bound_a_chat_is_answered_at_once(tmp_path: Path) -> None:
    rasa = FakeRasa()
    rasa.down = True
    async with (
        running_playground() as playground,
        running_bot(playground, rasa, tmp_path, RASA_MAX_WAITING="1") as bot,
    ):
        first = await bot.say(CUSTOMER, "hola")
        assert MOMENT in texts(first)[-1]
        second = await bot.say(PARENT, "hola")
        assert texts(second) == [texts(second)[0]] and UNAVAILABLE in texts(second)[0]
        rasa.down = False
        await bot.wait(CUSTOMER, lambda s: texts(s)[-1] == "ok")


async def test_messages_written_while_everything_was_down_are_answered_in_order(
    tmp_path: Path,
) -> None:
    rasa = FakeRasa()
    rasa.down = True
    async with running_playground() as playground:
        for text in ("hola", "quiero registrarme"):
            await playground.client.send_text(CUSTOMER, text)
        async with running_bot(playground, rasa, tmp_path) as bot:
            await bot.wait(CUSTOMER, lambda s: count(s, MOMENT) == 1)
            rasa.down = False
            state = await bot.wait(CUSTOMER, lambda s: texts(s)[-2:] == ["ok", "ok"])
            assert count(state, MOMENT) == 1
            assert rasa.messages == ["hola", "quiero registrarme"]


async def test_the_action_server_down_gets_an_apology_then_the_step_when_it_is_back(
    tmp_path: Path,
) -> None:
    rasa = FakeRasa()
    rasa.reply_with()  # an action failed: Rasa answers 200 with no message
    rasa.reply_with()  # the re-ask is tried while the action server is still down
    rasa.reply_with(reply(text="¿Cuál es tu número de cédula?"))
    async with (
        running_playground() as playground,
        running_bot(playground, rasa, tmp_path) as bot,
    ):
        state = await bot.say(CUSTOMER, "quiero registrarme", answers=2)
        assert LOST in texts(state)[0]
        assert texts(state)[1] == "¿Cuál es tu número de cédula?"
        resumes = ["/resume_after_agent"] * 2
        assert rasa.messages == ["quiero registrarme", *resumes], "the customer's never resent"


# --- Graceful stop ----------------------------------------------------------------------------


class SlowRasa:
    """Answers after `delay` seconds; `got` is set once a message arrived."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.got = asyncio.Event()
        self.messages: list[str] = []

    async def handler(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, text="Hello from Rasa")
        self.messages.append(json.loads(request.content)["message"])
        self.got.set()
        await asyncio.sleep(self.delay)
        return httpx.Response(200, json=[{"recipient_id": "x", "text": "respuesta a tiempo"}])


@asynccontextmanager
async def polling(
    playground: Playground, transport: httpx.AsyncBaseTransport, tmp_path: Path, **env: str
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The bot polling `playground`; the test stops it (as run_polling does on SIGTERM)."""
    port = playground.url.rsplit(":", 1)[1]
    settings = load_bot_settings({"PLAYGROUND_PORT": port, **env})
    bank = cheap_bank(tmp_path)
    application = build_application(settings, bank, rasa_transport=transport)
    try:
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        yield application
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        assert application.post_shutdown is not None
        await application.post_shutdown(application)
        await application.shutdown()
        bank.dispose()


async def stop_like_run_polling(application: Application) -> None:  # type: ignore[type-arg]
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()


async def test_stopping_lets_an_in_flight_turn_finish_and_send_its_reply(tmp_path: Path) -> None:
    rasa = SlowRasa(delay=1.0)
    async with (
        running_playground() as playground,
        polling(playground, httpx.MockTransport(rasa.handler), tmp_path) as application,
    ):
        await playground.client.send_text(CUSTOMER, "hola")
        await asyncio.wait_for(rasa.got.wait(), 10)
        await stop_like_run_polling(application)
        state = await playground.client.chat(CUSTOMER)
        assert texts(state) == ["respuesta a tiempo"]


async def test_stopping_ends_a_wait_for_rasa_with_write_again(tmp_path: Path) -> None:
    rasa = FakeRasa()
    rasa.down = True
    async with (
        running_playground() as playground,
        polling(playground, httpx.MockTransport(rasa.handler), tmp_path) as application,
    ):
        await playground.client.send_text(CUSTOMER, "hola")
        await playground.client.wait_for(CUSTOMER, lambda s: count(s, MOMENT) == 1)
        # The wait for Rasa (up to 120 s) ends at once: the stop is bounded by the test's timeout.
        await asyncio.wait_for(stop_like_run_polling(application), 10)
        state = await playground.client.chat(CUSTOMER)
        assert UNAVAILABLE in texts(state)[-1]
        assert rasa.received == []


async def test_the_webhook_server_stops_after_the_in_flight_turn_replied(tmp_path: Path) -> None:
    rasa = SlowRasa(delay=1.0)
    async with running_playground() as playground:
        port, hook_port = playground.url.rsplit(":", 1)[1], free_port()
        settings = load_bot_settings(
            {
                "PLAYGROUND_PORT": port,
                "BOT_MODE": "webhook",
                "WEBHOOK_URL": "https://bot.example.com/telegram/webhook",
                "WEBHOOK_PORT": str(hook_port),
            }
        )
        bank = cheap_bank(tmp_path)
        application = build_application(
            settings, bank, rasa_transport=httpx.MockTransport(rasa.handler)
        )
        stop = asyncio.Event()
        server = asyncio.create_task(serve_webhook(application, settings, stop, register=False))
        url = f"http://127.0.0.1:{hook_port}{settings.webhook_path}"
        update = {
            "update_id": 7,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": CUSTOMER, "type": "private"},
                "from": {"id": CUSTOMER, "is_bot": False, "first_name": "María"},
                "text": "hola",
            },
        }
        try:
            async with httpx.AsyncClient() as http:
                for _ in range(100):
                    try:
                        await http.get(url)
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.1)
                headers = {SECRET_HEADER: settings.webhook_secret_token}
                assert (await http.post(url, json=update, headers=headers)).status_code == 200
            await asyncio.wait_for(rasa.got.wait(), 10)
            stop.set()
            await asyncio.wait_for(server, 20)
            state = await playground.client.chat(CUSTOMER)
            assert texts(state) == ["respuesta a tiempo"]
        finally:
            stop.set()
            if not server.done():
                server.cancel()
            bank.dispose()
