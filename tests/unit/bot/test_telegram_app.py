"""The real Application against the playground's Bot API with a scripted Rasa: rendering,
taps, secure input, refusals, repeated updates, faults and the webhook's secret token."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from bot_fakes import FakeRasa
from playground_support import CUSTOMER, PARENT, running_playground
from sqlalchemy.exc import OperationalError
from telegram_harness import RunningBot, cheap_bank, reply, running_bot

from bank.db import unit_of_work
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME, SOFIA, seed_demo
from bot.chat_state.keyboards import is_callback_id
from bot.chat_state.pending_inputs import PendingInputs
from bot.playground.client import bot_messages, find_button
from bot.telegram.application import build_application
from bot.telegram.runner import serve_webhook
from bot.telegram.settings import load_bot_settings
from bot.telegram.webhook import SECRET_HEADER
from tests.support.servers import free_port

SECURITY_KEYBOARD = {
    "type": "image_keyboard",
    "kind": "security_image",
    "choose": 1,
    "ordered": False,
    "options": [
        {"id": "sec_mountain", "label": "Montaña"},
        {"id": "sec_sea", "label": "Mar"},
        {"id": "sec_condor", "label": "Cóndor"},
        {"id": "sec_volcano", "label": "Volcán"},
    ],
    "payload_template": '/inform{"image_id": "%s"}',
}


@pytest.fixture
async def bot(tmp_path: Path) -> RunningBot:  # type: ignore[misc]
    async with (
        running_playground() as playground,
        running_bot(playground, FakeRasa(), tmp_path) as running,
    ):
        yield running


def buttons(message: dict[str, object]) -> list[dict[str, str]]:
    return [button for row in message["buttons"] for button in row]  # type: ignore[attr-defined]


async def test_commands_are_registered_and_send_their_payloads(bot: RunningBot) -> None:
    state = await bot.playground.client.chat(CUSTOMER)
    assert [command["command"] for command in state["commands"]] == ["start", "ayuda", "cancelar"]
    for typed in ("/start", "/start registro", "/ayuda", "/cancelar", "/help"):
        await bot.say(CUSTOMER, typed)
    assert bot.rasa.messages == [
        "/greet",
        "/start_registration",
        "/show_help",
        "/cancel",
        "/show_help",
    ]
    metadata = bot.rasa.received[0]["metadata"]
    assert metadata == {"channel": "telegram", "telegram_user_id": CUSTOMER, "language": "es"}
    assert {body["sender"] for body in bot.rasa.received} == {f"tg:{CUSTOMER}"}


async def test_text_is_escaped_and_buttons_are_opaque_and_tapped_once(bot: RunningBot) -> None:
    bot.rasa.reply_with(
        reply(
            text="Hola <b>Ana</b> & co",
            buttons=[
                {"title": "Sí", "payload": "/affirm"},
                {"title": "No", "payload": '/inform{"x": "' + "y" * 80 + '"}'},
            ],
        )
    )
    state = await bot.say(CUSTOMER, "hola")
    message = bot_messages(state)[-1]
    assert message["text"] == "Hola <b>Ana</b> & co", "shown literally, not as formatting"
    for button in buttons(message):
        assert is_callback_id(button["callback_data"])
        assert len(button["callback_data"].encode()) <= 64
    no = find_button(message, "No")
    # A double tap: both reach the bot before the keyboard is edited; only one counts.
    await asyncio.gather(
        bot.playground.client.tap(CUSTOMER, message["message_id"], no["callback_data"]),
        bot.playground.client.tap(CUSTOMER, message["message_id"], no["callback_data"]),
    )
    state = await bot.wait(
        CUSTOMER,
        lambda s: len(bot_messages(s)) >= 2 and len(s["callback_answers"]) >= 2,
    )
    await asyncio.sleep(0.3)
    state = await bot.playground.client.chat(CUSTOMER)
    edited = next(m for m in state["messages"] if m["message_id"] == message["message_id"])
    assert edited["text"].endswith("✔ No") and not edited["buttons"]
    assert bot.rasa.messages[1:] == ['/inform{"x": "' + "y" * 80 + '"}']
    answers = state["callback_answers"]
    assert len(answers) == 2 and all(answer["answered"] for answer in answers)
    assert sum("ya no está disponible" in (a["text"] or "") for a in answers) == 1


async def test_a_secret_is_deleted_boxed_and_explained_once(bot: RunningBot) -> None:
    ask_pin = [
        reply(text="Escribe tu clave"),
        reply(custom={"type": "secure_input", "kind": "pin"}),
    ]
    bot.rasa.reply_with(*ask_pin)
    await bot.say(CUSTOMER, "quiero registrarme")
    bot.rasa.reply_with(*ask_pin)
    _, first_id = await bot.playground.client.send_text(CUSTOMER, "4321")
    state = await bot.wait(CUSTOMER, lambda s: len(bot_messages(s)) >= 3)  # notice and reply
    assert next(m for m in state["messages"] if m["message_id"] == first_id)["deleted"]
    assert "4321" not in bot.rasa.everything_received()
    assert json.loads(bot.rasa.messages[-1][len("/inform") :])["secret_ref"].startswith("sb_")
    bot.rasa.reply_with(reply(text="listo"))
    _, second_id = await bot.playground.client.send_text(CUSTOMER, "9876")
    state = await bot.wait(CUSTOMER, lambda s: bot_messages(s)[-1]["text"] == "listo")
    notices = [m for m in bot_messages(state) if "Borré tu mensaje" in (m["text"] or "")]
    assert len(notices) == 1
    assert next(m for m in state["messages"] if m["message_id"] == second_id)["deleted"]
    assert "9876" not in bot.rasa.everything_received()


async def test_typed_intents_are_refused(bot: RunningBot) -> None:
    await bot.say(CUSTOMER, '/inform{"id_number": "1710034065"}')
    await bot.say(CUSTOMER, 'hola /affirm{"a": 1}')
    assert bot.rasa.messages == ["/typed_command", "/typed_command"]


async def test_an_image_keyboard_is_a_picture_with_numbers_uploaded_once(bot: RunningBot) -> None:
    for _ in range(2):
        bot.rasa.reply_with(reply(text="Elige tu imagen"), reply(custom=SECURITY_KEYBOARD))
        await bot.say(CUSTOMER, "siguiente", answers=2)
    stats = await bot.playground.client.stats()
    assert stats["uploads"] == 1, "the second keyboard reused the cached file_id"
    state = await bot.playground.client.chat(CUSTOMER)
    pictures = [m for m in bot_messages(state) if m["photo"]]
    assert len(pictures) == 2
    assert [b["text"] for b in buttons(pictures[-1])] == ["1", "2", "3", "4"]
    three = find_button(pictures[-1], "3")
    await bot.playground.client.tap(CUSTOMER, pictures[-1]["message_id"], three["callback_data"])
    await bot.wait(CUSTOMER, lambda s: len(bot_messages(s)) >= len(bot_messages(state)) + 1)
    assert bot.rasa.messages[-1] == '/inform{"image_id": "sec_condor"}'
    state = await bot.playground.client.chat(CUSTOMER)
    edited = next(m for m in state["messages"] if m["message_id"] == pictures[-1]["message_id"])
    assert "✔ 3 · Cóndor" in edited["caption"] and not edited["buttons"]


async def test_a_multi_pick_keyboard_shows_progress_undo_and_done(bot: RunningBot) -> None:
    keyboard = {**SECURITY_KEYBOARD, "kind": "mini_picture_password", "choose": 3, "ordered": True}
    bot.rasa.reply_with(reply(custom=keyboard))
    state = await bot.say(CUSTOMER, "crear clave")
    message = bot_messages(state)[-1]
    assert "○○○" in message["caption"]
    titles = [b["text"] for b in buttons(message)]
    assert titles[:4] == ["1", "2", "3", "4"] and "Borrar" in titles[4] and "Listo" in titles[5]

    async def tap(title: str, expect: str) -> dict[str, object]:
        button = find_button(message, title)
        await bot.playground.client.tap(CUSTOMER, message["message_id"], button["callback_data"])
        state = await bot.wait(
            CUSTOMER,
            lambda s: (
                expect
                in next(m for m in s["messages"] if m["message_id"] == message["message_id"])[
                    "caption"
                ]
            ),
        )
        return next(m for m in state["messages"] if m["message_id"] == message["message_id"])

    await tap("4", "●○○")
    await tap("2", "●●○")
    await tap("Borrar", "●○○")
    await tap("1", "●●○")
    # "Listo" too early: an alert, nothing sent.
    listo = find_button(message, "Listo")
    await bot.playground.client.tap(CUSTOMER, message["message_id"], listo["callback_data"])
    state = await bot.wait(CUSTOMER, lambda s: any(a["show_alert"] for a in s["callback_answers"]))
    assert "falta" in state["callback_answers"][-1]["text"]
    await tap("3", "●●●")
    assert bot.rasa.messages == ["crear clave"]
    await bot.playground.client.tap(CUSTOMER, message["message_id"], listo["callback_data"])
    await bot.wait(CUSTOMER, lambda s: len(bot_messages(s)) >= 2)
    assert bot.rasa.messages[-1] == '/inform{"image_id": "sec_volcano,sec_mountain,sec_condor"}'
    state = await bot.playground.client.chat(CUSTOMER)
    final = next(m for m in state["messages"] if m["message_id"] == message["message_id"])
    assert "✔ ●●●" in final["caption"] and not final["buttons"]
    assert "Montaña" not in final["caption"], "the picks are not spelled out"


async def test_sensitive_text_and_qr_are_protected(bot: RunningBot) -> None:
    bot.rasa.reply_with(
        reply(text="Público"),
        reply(text="Tu usuario: MJANDRADE"),
        reply(custom={"type": "sensitive"}),
    )
    state = await bot.say(CUSTOMER, "hola", answers=2)
    public, private = bot_messages(state)[-2:]
    assert (public["protect_content"], private["protect_content"]) == (False, True)


async def test_rasa_down_gets_a_moment_and_the_message_is_answered_when_it_is_back(
    bot: RunningBot,
) -> None:
    bot.rasa.down = True
    state = await bot.say(CUSTOMER, "hola")
    assert "Un momento" in bot_messages(state)[-1]["text"]
    bot.rasa.down = False
    state = await bot.wait(CUSTOMER, lambda s: bot_messages(s)[-1]["text"] == "ok")
    assert bot.rasa.messages == ["hola"]
    state = await bot.say(CUSTOMER, "hola otra vez")
    assert bot_messages(state)[-1]["text"] == "ok"


async def test_an_empty_answer_from_rasa_is_not_resent_and_the_step_is_asked_again(
    bot: RunningBot,
) -> None:
    bot.rasa.reply_with()
    state = await bot.say(CUSTOMER, "hola", answers=2)
    apology, step = bot_messages(state)[-2:]
    assert "no te llegó" in apology["text"] and step["text"] == "ok"
    assert bot.rasa.messages == ["hola", "/resume_after_agent"]


async def test_rate_limits_are_retried(bot: RunningBot) -> None:
    await bot.playground.client.inject_fault("sendMessage", count=1, error_code=429, retry_after=1)
    state = await bot.say(CUSTOMER, "hola")
    assert bot_messages(state)[-1]["text"] == "ok"
    stats = await bot.playground.client.stats()
    assert stats["errors"].get("sendMessage", 0) == 1


async def test_a_failed_telegram_call_is_logged_by_id_and_the_bot_goes_on(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.rasa.reply_with(reply(text="respuesta secreta 5555"))
    await bot.playground.client.inject_fault(
        "sendMessage", count=1, error_code=400, description="Bad Request: chat not found"
    )
    with caplog.at_level(logging.INFO):
        state = await bot.say(CUSTOMER, "mi clave es Centinela7")
    assert "Algo salió mal" in bot_messages(state)[-1]["text"]
    ours = [
        r
        for r in caplog.records
        if r.name.split(".")[0] in ("bot", "bank", "telegram")
        and not r.name.startswith("bot.playground")  # the stand-in plays Telegram's servers
    ]
    errors = [r for r in ours if r.levelno >= logging.ERROR]
    assert errors and "error " in errors[0].getMessage()
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in ours)
    for leak in ("Centinela7", "5555", "123456:playground", "chat not found"):
        assert leak not in logged
    state = await bot.say(CUSTOMER, "sigo aquí")
    assert bot_messages(state)[-1]["text"] == "ok"


async def test_a_repeated_update_is_handled_once(bot: RunningBot) -> None:
    update_id, _ = await bot.playground.client.send_text(PARENT, "hola")
    await bot.wait(PARENT, lambda s: len(bot_messages(s)) == 1)
    assert update_id is not None
    await bot.playground.client.redeliver(update_id)
    await asyncio.sleep(1.5)
    assert bot.rasa.messages == ["hola"]
    assert len(bot_messages(await bot.playground.client.chat(PARENT))) == 1


async def test_other_messages_get_a_text_only_answer(bot: RunningBot) -> None:
    response = await bot.playground.raw(
        "sendMessage", json={"chat_id": CUSTOMER, "text": "warm-up"}
    )
    assert response.status_code == 200
    assert bot.rasa.messages == []


async def test_the_webhook_refuses_requests_without_the_secret_token(tmp_path: Path) -> None:
    async with running_playground() as playground:
        rasa = FakeRasa()
        port = playground.url.rsplit(":", 1)[1]
        hook_port = free_port()
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
            "update_id": 1,
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
                for _ in range(50):
                    try:
                        await http.get(url)
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.1)
                missing = await http.post(url, json=update)
                wrong = await http.post(url, json=update, headers={SECRET_HEADER: "guess"})
                await asyncio.sleep(0.5)
                assert (missing.status_code, wrong.status_code) == (403, 403)
                assert rasa.messages == []
                right = await http.post(
                    url, json=update, headers={SECRET_HEADER: settings.webhook_secret_token}
                )
                assert right.status_code == 200
                await playground.client.wait_for(CUSTOMER, lambda s: len(bot_messages(s)) == 1)
                assert rasa.messages == ["hola"]
        finally:
            stop.set()
            await asyncio.wait_for(server, 10)
            bank.dispose()


async def test_a_busy_database_gets_an_apology_and_the_next_message_works(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = PendingInputs.get
    calls = {"n": 0}

    def busy_once(inputs: PendingInputs, chat_key: str) -> str | None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("SELECT ...", {}, Exception("database is locked"))
        return real(inputs, chat_key)

    monkeypatch.setattr(PendingInputs, "get", busy_once)
    chat = await bot.say(CUSTOMER, "hola")
    assert "Algo salió mal" in bot_messages(chat)[-1]["text"]
    chat = await bot.say(CUSTOMER, "hola de nuevo")
    assert bot_messages(chat)[-1]["text"] == "ok"


async def test_a_slow_rasa_gets_an_apology_within_the_timeout_and_nothing_is_resent(
    tmp_path: Path,
) -> None:
    received: list[str] = []

    async def slow(request: web.Request) -> web.Response:
        received.append((await request.json())["message"])
        await asyncio.sleep(3)
        return web.json_response([{"recipient_id": "x", "text": "tarde"}])

    async def root(request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa")

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", slow)
    app.router.add_get("/", root)
    async with (
        TestServer(app, host="127.0.0.1") as rasa_server,
        running_playground() as playground,
        running_bot(
            playground,
            FakeRasa(),
            tmp_path,
            real_http=True,
            RASA_URL=f"http://127.0.0.1:{rasa_server.port}",
            RASA_TIMEOUT_SECONDS="0.5",
        ) as bot,
    ):
        started = asyncio.get_running_loop().time()
        chat = await bot.say(CUSTOMER, "hola")
        elapsed = asyncio.get_running_loop().time() - started
        assert "no te llegó" in bot_messages(chat)[-1]["text"]
        assert elapsed < 2.5
        # The step is asked again (that is slow too: the customer is told to write again later);
        # the customer's own message is never sent twice.
        chat = await bot.wait(CUSTOMER, lambda s: len(bot_messages(s)) == 2)
        assert "No pude conectarme" in bot_messages(chat)[-1]["text"]
        assert received[0] == "hola" and received.count("hola") == 1
        assert set(received[1:]) == {"/resume_after_agent"}


async def test_a_bank_notice_reaches_the_parents_chat(bot: RunningBot) -> None:
    bank = bot.bank
    with unit_of_work(bank.sessions) as session:
        seed_demo(session, hasher=bank.hasher, clock=bank.clock)
    signed = bank.parent_sign_in.sign_in(
        sender_id=f"tg:{PARENT}", username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert signed.code == "signed_in"
    assert bank.mini_accounts.approve(child_cedula=SOFIA.cedula, actor="test").code == "approved"
    state = await bot.wait(PARENT, lambda s: len(bot_messages(s)) == 1)
    assert "Cuenta Mini de Sofía ya está aprobada" in bot_messages(state)[0]["text"]
    await asyncio.sleep(2.5)  # a second poll delivers nothing more
    assert len(bot_messages(await bot.playground.client.chat(PARENT))) == 1
