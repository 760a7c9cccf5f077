"""The Bot API stand-in, driven by a real python-telegram-bot `Bot` over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import telegram
from playground_support import CUSTOMER, PARENT, TOKEN, Playground, png, running_playground
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
)


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with running_playground() as running:
        yield running


@pytest.fixture
async def bot(playground: Playground) -> AsyncIterator[telegram.Bot]:
    async with playground.bot() as bot:
        yield bot


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs]
    )


async def test_get_me_describes_the_playground_bot(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        999999,
        True,
        "Produbanco",
        "ProdubancoPlaygroundBot",
    )
    assert bot.username == "ProdubancoPlaygroundBot"


async def test_send_message_with_html_keyboard_and_protection(
    bot: telegram.Bot, playground: Playground
) -> None:
    message = await bot.send_message(
        CUSTOMER,
        "<b>Hola</b> María 😀 <i>bienvenida</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(("Sí", "c:AAAAAAAAAA"), ("No", "c:BBBBBBBBBB")),
        protect_content=True,
    )

    assert message.text == "Hola María 😀 bienvenida"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 4),
        ("italic", 14, 10),  # the emoji counts two UTF-16 code units
    ]
    assert message.chat.id == CUSTOMER and message.chat.type == "private"
    assert message.from_user.id == 999999 and message.from_user.is_bot
    assert message.has_protected_content is True
    assert message.reply_markup.inline_keyboard[1][0].callback_data == "c:BBBBBBBBBB"

    chat = await playground.client.chat(CUSTOMER)
    shown = chat["messages"][-1]
    assert shown["from"] == "bot"
    assert shown["text"] == "Hola María 😀 bienvenida"
    assert shown["html"] == "<b>Hola</b> María 😀 <i>bienvenida</i>"
    assert shown["protect_content"] is True
    assert shown["buttons"] == [
        [{"text": "Sí", "callback_data": "c:AAAAAAAAAA"}],
        [{"text": "No", "callback_data": "c:BBBBBBBBBB"}],
    ]


async def test_invalid_html_and_oversized_callback_data_fail_like_telegram(
    bot: telegram.Bot,
) -> None:
    with pytest.raises(BadRequest, match=r'(?i)parse entities: Unsupported start tag "script"'):
        await bot.send_message(CUSTOMER, "<script>x</script>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Can't find end tag"):
        await bot.send_message(CUSTOMER, "<b>sin cerrar", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CUSTOMER, "x", reply_markup=keyboard(("X", "d" * 65)))
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(42, "¿hay alguien?")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(CUSTOMER, "   ")


async def test_photo_upload_then_file_id_costs_no_second_upload(
    bot: telegram.Bot, playground: Playground
) -> None:
    picture = png(64, 48)
    first = await bot.send_photo(CUSTOMER, picture, caption="Elige tu imagen")
    size = first.photo[-1]
    assert (size.width, size.height, size.file_size) == (64, 48, len(picture))
    assert first.caption == "Elige tu imagen"

    second = await bot.send_photo(PARENT, size.file_id)
    assert second.photo[-1].file_id == size.file_id

    stats = await playground.client.stats()
    assert stats["methods"]["sendPhoto"] == 2
    assert (stats["uploads"], stats["uploaded_bytes"]) == (1, len(picture))

    file = await bot.get_file(size.file_id)
    assert bytes(await file.download_as_bytearray()) == picture
    shown = (await playground.client.chat(CUSTOMER))["messages"][-1]
    assert await playground.client.photo_bytes(shown["photo"]) == picture
    page_photo = await playground.http.get(playground.url + shown["photo"])
    assert page_photo.headers["Content-Type"] == "image/png"

    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(CUSTOMER, "AgACAgEAAxkBAAnot-one-of-ours")
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(CUSTOMER, b"not a picture at all")


async def test_edits_follow_telegram_rules(bot: telegram.Bot, playground: Playground) -> None:
    sent = await bot.send_message(CUSTOMER, "¿Continuamos?", reply_markup=keyboard(("Sí", "c:1")))

    edited = await bot.edit_message_text(
        "✔ Sí", chat_id=CUSTOMER, message_id=sent.message_id, reply_markup=keyboard(("Otra", "c:2"))
    )
    assert edited.text == "✔ Sí" and edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "✔ Sí",
            chat_id=CUSTOMER,
            message_id=sent.message_id,
            reply_markup=keyboard(("Otra", "c:2")),
        )

    unmarked = await bot.edit_message_reply_markup(chat_id=CUSTOMER, message_id=sent.message_id)
    assert unmarked.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat_id=CUSTOMER, message_id=sent.message_id)

    # editMessageText without reply_markup drops the keyboard, as on Telegram.
    await bot.edit_message_reply_markup(
        chat_id=CUSTOMER, message_id=sent.message_id, reply_markup=keyboard(("A", "c:3"))
    )
    plain = await bot.edit_message_text("Listo", chat_id=CUSTOMER, message_id=sent.message_id)
    assert plain.reply_markup is None

    photo = await bot.send_photo(CUSTOMER, png())
    recaptioned = await bot.edit_message_caption(
        chat_id=CUSTOMER, message_id=photo.message_id, caption="<b>Nuevo</b>", parse_mode="HTML"
    )
    assert recaptioned.caption == "Nuevo"
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=CUSTOMER, message_id=photo.message_id)

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=CUSTOMER, message_id=9999)
    user_message_id = (await playground.client.send_text(CUSTOMER, "hola"))[1]
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", chat_id=CUSTOMER, message_id=user_message_id)

    shown = {m["message_id"]: m for m in (await playground.client.chat(CUSTOMER))["messages"]}
    assert shown[sent.message_id]["edited"] is True
    assert shown[sent.message_id]["text"] == "Listo"
    assert shown[sent.message_id]["buttons"] == []


async def test_delete_message_hides_and_wipes_it(bot: telegram.Bot, playground: Playground) -> None:
    _, secret_id = await playground.client.send_text(CUSTOMER, "1234")
    assert await bot.delete_message(CUSTOMER, secret_id) is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(CUSTOMER, secret_id)

    shown = (await playground.client.chat(CUSTOMER))["messages"]
    assert shown == [
        {
            **shown[0],
            "message_id": secret_id,
            "from": "user",
            "deleted": True,
            "text": None,
            "html": None,
        }
    ]


async def test_commands_per_scope_and_language(bot: telegram.Bot, playground: Playground) -> None:
    commands = [BotCommand("start", "Empezar"), BotCommand("ayuda", "Pedir ayuda")]
    assert await bot.set_my_commands(commands, language_code="es") is True
    assert await bot.set_my_commands(
        [BotCommand("agente", "Modo asistido")], scope=BotCommandScopeChat(1005)
    )

    assert [c.command for c in await bot.get_my_commands(language_code="es")] == ["start", "ayuda"]
    assert await bot.get_my_commands() == ()
    assert (await playground.client.chat(CUSTOMER))["commands"] == [
        {"command": "start", "description": "Empezar"},
        {"command": "ayuda", "description": "Pedir ayuda"},
    ]
    assert [c["command"] for c in (await playground.client.chat(1005))["commands"]] == ["agente"]

    assert await bot.delete_my_commands(language_code="es") is True
    assert (await playground.client.chat(CUSTOMER))["commands"] == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Con Espacios", "x")])


async def test_chat_action_shows_typing_until_the_next_message(
    bot: telegram.Bot, playground: Playground
) -> None:
    assert await bot.send_chat_action(CUSTOMER, ChatAction.TYPING) is True
    chat = await playground.client.chat(CUSTOMER)
    assert (chat["typing"], chat["chat_action"]) == (True, "typing")

    await bot.send_message(CUSTOMER, "Listo")
    assert (await playground.client.chat(CUSTOMER))["typing"] is False
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(CUSTOMER, "dancing")


async def test_get_updates_long_poll_is_woken_by_a_user_message(
    bot: telegram.Bot, playground: Playground
) -> None:
    assert await bot.get_updates(timeout=0) == ()

    started = time.monotonic()
    polling = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    update_id, message_id = await playground.client.send_text(CUSTOMER, "/start hola")
    updates = await polling
    assert time.monotonic() - started < 1

    (update,) = updates
    assert update.update_id == update_id
    message = update.message
    assert message.message_id == message_id
    assert message.text == "/start hola"
    assert message.from_user.id == CUSTOMER and message.from_user.language_code == "es"
    assert message.chat.id == CUSTOMER
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6

    # Not confirmed yet: it comes again; an offset above it confirms it.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update_id]
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert await bot.get_updates(timeout=0) == ()


async def test_callback_query_round_trip(bot: telegram.Bot, playground: Playground) -> None:
    sent = await bot.send_message(
        CUSTOMER, "¿Eres cliente?", reply_markup=keyboard(("Sí", "c:yes"))
    )
    update_id, query_id = await playground.client.tap(CUSTOMER, sent.message_id, "c:yes")

    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert (update.update_id, query.id, query.data) == (update_id, query_id, "c:yes")
    assert query.from_user.id == CUSTOMER
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup.inline_keyboard[0][0].text == "Sí"
    assert query.chat_instance

    assert await bot.answer_callback_query(query.id, text="Anotado") is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    answers = (await playground.client.chat(CUSTOMER))["callback_answers"]
    assert answers == [
        {
            "callback_query_id": query_id,
            "message_id": sent.message_id,
            "data": "c:yes",
            "text": "Anotado",
            "show_alert": False,
            "answered": True,
        }
    ]


async def test_wrong_token_and_unknown_method(bot: telegram.Bot, playground: Playground) -> None:
    with pytest.raises(InvalidToken):
        async with playground.bot("123456:wrong"):
            pass
    raw = await playground.http.get(f"{playground.url}/bot123456:wrong/getMe")
    assert (raw.status_code, raw.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )

    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", {"chat_id": CUSTOMER})
    raw = await playground.raw("sendHologram", data={"chat_id": str(CUSTOMER)})
    assert (raw.status_code, raw.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


async def test_injected_faults_raise_ptb_errors(bot: telegram.Bot, playground: Playground) -> None:
    await playground.client.inject_fault("sendMessage", count=1, error_code=429, retry_after=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CUSTOMER, "uno")
    assert "Retry in 1 second" in str(caught.value)  # retry_after 1, read without a warning
    assert (await bot.send_message(CUSTOMER, "dos")).text == "dos"

    await playground.client.inject_fault("sendmessage", count=2, error_code=500)
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
            await bot.send_message(CUSTOMER, "tres")
    await playground.client.inject_fault("editMessageText", error_code=400)
    with pytest.raises(BadRequest, match=r"(?i)injected"):
        await bot.edit_message_text("x", chat_id=CUSTOMER, message_id=1)

    stats = await playground.client.stats()
    assert stats["methods"]["sendMessage"] == 4
    assert stats["errors"]["sendMessage"] == 3
    assert [m["text"] for m in (await playground.client.chat(CUSTOMER))["messages"]] == ["dos"]


async def test_a_newer_get_updates_ends_a_waiting_one_with_conflict(
    bot: telegram.Bot, playground: Playground
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    # A second bot instance (PTB's own getUpdates pool holds one connection).
    newer = await playground.raw("getUpdates", data={"timeout": "0"})
    assert newer.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
        await waiting


async def test_delete_webhook_can_drop_pending_updates(
    bot: telegram.Bot, playground: Playground
) -> None:
    await playground.client.send_text(CUSTOMER, "hola")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert await bot.get_updates(timeout=0) == ()
    assert (await bot.get_webhook_info()).url == ""


async def test_json_form_and_query_bodies_are_all_understood(playground: Playground) -> None:
    as_json = await playground.raw(
        "sendMessage",
        json={
            "chat_id": CUSTOMER,
            "text": "JSON",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        },
    )
    assert as_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"

    as_form = await playground.raw(
        "sendMessage",
        data={"chat_id": "1001", "text": "form", "protect_content": "true"},
    )
    assert as_form.json()["result"]["has_protected_content"] is True

    as_query = await playground.http.get(
        f"{playground.url}/bot{TOKEN}/sendMessage", params={"chat_id": 1001, "text": "query"}
    )
    assert as_query.json()["ok"] is True

    broken = await playground.raw(
        "sendMessage", data={"chat_id": "1001", "text": "x", "reply_markup": "{not json"}
    )
    assert broken.status_code == 400
    assert broken.json()["description"].startswith("Bad Request: can't parse")


async def test_photo_by_url_is_fetched_only_from_this_machine(
    bot: telegram.Bot, playground: Playground
) -> None:
    first = await bot.send_photo(CUSTOMER, png(20, 10))
    local_url = f"{playground.url}/playground/files/{first.photo[-1].file_id}"

    fetched = await bot.send_photo(CUSTOMER, local_url)
    assert (fetched.photo[-1].width, fetched.photo[-1].height) == (20, 10)
    assert fetched.photo[-1].file_id != first.photo[-1].file_id
    assert (await playground.client.stats())["uploads"] == 1  # a URL is not an upload

    with pytest.raises(BadRequest, match=r"(?i)failed to get HTTP URL content"):
        await bot.send_photo(CUSTOMER, "https://example.com/picture.png")
