"""Cuenta Mini payloads through the real bot and the Bot API stand-in: a picture password boxed on
"Listo", an activation code shown protected and deleted when it expires, a deep link, an avatar
picture, a notice with a button, and the Mini deep links."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bot_fakes import FakeRasa
from playground_support import CUSTOMER, PARENT, running_playground
from sqlalchemy import select
from telegram_harness import RunningBot, reply, running_bot

from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME, seed_demo
from bank.models import CustomerChat
from bank.notifications import queue_notice
from bot.chat_state import chat_state_of
from bot.chat_state.tables import ChannelCallback
from bot.playground.client import ChatState, bot_messages, find_button
from bot.playground.personas import BOT_USERNAME
from bot.telegram.handlers import DEEP_LINKS

PICTURES = [
    ("pic_apple", "Manzana"),
    ("pic_banana", "Plátano"),
    ("pic_ball", "Pelota"),
    ("pic_star", "Estrella"),
    ("pic_heart", "Corazón"),
    ("pic_house", "Casa"),
]
PASSWORD_KEYBOARD = {
    "type": "image_keyboard",
    "kind": "mini_picture_password",
    "choose": 4,
    "ordered": True,
    "secret": "picture_password",
    "options": [{"id": picture_id, "label": label} for picture_id, label in PICTURES],
    "payload_template": '/inform{"secret_ref": "%s"}',
}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def bot(tmp_path: Path, clock: FixedClock) -> RunningBot:  # type: ignore[misc]
    async with (
        running_playground() as playground,
        running_bot(playground, FakeRasa(), tmp_path, clock=clock) as running,
    ):
        yield running


def message_by_id(state: ChatState, message_id: int) -> dict[str, Any]:
    return next(m for m in state["messages"] if m["message_id"] == message_id)


async def scheduled_deletions(bot: RunningBot, user_id: int) -> list[tuple[int, datetime]]:
    """The chat's scheduled deletions, once there is one (the bot schedules it right after the
    message is sent, so the test may see the message a moment before)."""
    for _ in range(100):
        pending = chat_state_of(bot.bank).deletions.pending(f"tg:{user_id}")
        if pending:
            return list(pending)
        await asyncio.sleep(0.05)
    raise AssertionError("no deletion was scheduled")


async def wait_until_no_deletion_pending(bot: RunningBot, user_id: int) -> None:
    """Wait (up to 10 s) until the chat has no scheduled deletion left undone."""
    for _ in range(100):
        if not chat_state_of(bot.bank).deletions.pending(f"tg:{user_id}"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("a scheduled deletion is still pending")


async def tap(bot: RunningBot, user_id: int, message: dict[str, Any], title: str) -> None:
    button = find_button(message, title)
    await bot.playground.client.tap(user_id, message["message_id"], button["callback_data"])


async def test_a_picture_password_goes_to_the_secret_box_and_rasa_gets_only_the_ref(
    bot: RunningBot,
) -> None:
    bot.rasa.reply_with(
        reply(text="Crea tu contraseña de imágenes"), reply(custom=PASSWORD_KEYBOARD)
    )
    state = await bot.say(CUSTOMER, "crear clave", answers=2)
    keyboard = bot_messages(state)[-1]
    assert keyboard["photo"] and "○○○○" in keyboard["caption"]
    titles = [button["text"] for row in keyboard["buttons"] for button in row]
    assert titles[:6] == ["1", "2", "3", "4", "5", "6"]
    for _, label in PICTURES:
        assert label not in keyboard["caption"]
    # Repeats are allowed: apple, apple, banana, star (buttons 1, 1, 2, 4).
    for number, progress in (("1", "●○○○"), ("1", "●●○○"), ("2", "●●●○"), ("4", "●●●●")):
        await tap(bot, CUSTOMER, keyboard, number)
        await bot.wait(
            CUSTOMER, lambda s, p=progress: p in message_by_id(s, keyboard["message_id"])["caption"]
        )
    bot.rasa.reply_with(reply(text="Confírmala"))
    await tap(bot, CUSTOMER, keyboard, "Listo")
    state = await bot.wait(CUSTOMER, lambda s: bot_messages(s)[-1]["text"] == "Confírmala")

    sent = bot.rasa.messages[-1]
    assert sent.startswith("/inform")
    ref = json.loads(sent[len("/inform") :])["secret_ref"]
    assert ref.startswith("sb_")
    everything = bot.rasa.everything_received()
    for picture_id, _ in PICTURES:
        assert picture_id not in everything
    value = bot.bank.secret_box.take(ref=ref, sender_id=f"tg:{CUSTOMER}", kind="picture_password")
    assert value == "pic_apple,pic_apple,pic_banana,pic_star"

    final = message_by_id(state, keyboard["message_id"])
    assert "✔ ●●●●" in final["caption"] and not final["buttons"]
    for _, label in PICTURES:
        assert label not in final["caption"]
    # The stored buttons name no picture either, and the picks are gone once submitted.
    with unit_of_work(bot.bank.sessions) as session:
        stored = session.scalars(select(ChannelCallback.title)).all()
    assert not any(label in title for title in stored for _, label in PICTURES)
    callback = find_button(keyboard, "Listo")["callback_data"]
    tapped = chat_state_of(bot.bank).keyboards.resolve_tap(callback, f"tg:{CUSTOMER}")
    assert tapped is not None and tapped.secret_kind == "picture_password"
    assert chat_state_of(bot.bank).keyboards.picks(tapped.keyboard_id) == ()


async def test_a_secret_keyboard_is_never_cached(bot: RunningBot) -> None:
    for _ in range(2):
        bot.rasa.reply_with(reply(custom=PASSWORD_KEYBOARD))
        await bot.say(CUSTOMER, "otra vez")
    stats = await bot.playground.client.stats()
    assert stats["uploads"] == 2, "a shuffled grid is uploaded each time, not cached"


async def test_an_activation_code_is_protected_and_deleted_when_it_expires(
    bot: RunningBot, clock: FixedClock
) -> None:
    ref = bot.bank.secret_box.put(sender_id=f"tg:{PARENT}", kind="activation_code", value="482913")
    bot.rasa.reply_with(
        reply(
            custom={"type": "activation_code", "ref": ref, "child": "<i>Andrea</i>", "minutes": 10}
        )
    )
    state = await bot.say(PARENT, "genera código")
    shown = bot_messages(state)[-1]
    assert "482913" in shown["text"] and "<i>Andrea</i>" in shown["text"]
    assert "<b>482913</b>" in shown["html"], "the code stands out"
    assert "&lt;i&gt;Andrea&lt;/i&gt;" in shown["html"], "names are escaped"
    assert "10 minutos" in shown["text"]
    assert shown["protect_content"]
    assert "482913" not in bot.rasa.everything_received()
    pending = await scheduled_deletions(bot, PARENT)
    assert [message_id for message_id, _ in pending] == [shown["message_id"]]
    assert pending[0][1] == clock.now() + timedelta(minutes=10)

    await asyncio.sleep(2.5)  # a sweep before expiry deletes nothing
    assert not message_by_id(await bot.playground.client.chat(PARENT), shown["message_id"])[
        "deleted"
    ]
    clock.advance(minutes=10)
    state = await bot.wait(PARENT, lambda s: message_by_id(s, shown["message_id"])["deleted"])
    await wait_until_no_deletion_pending(bot, PARENT)
    # The single-use box entry is gone: showing it again says it is unavailable.
    bot.rasa.reply_with(
        reply(custom={"type": "activation_code", "ref": ref, "child": "Andrea", "minutes": 10})
    )
    state = await bot.say(PARENT, "otra vez")
    assert "ya no está disponible" in bot_messages(state)[-1]["text"]


async def test_an_unresolvable_activation_code_is_explained_not_shown(bot: RunningBot) -> None:
    bot.rasa.reply_with(
        reply(
            custom={"type": "activation_code", "ref": "sb_unknown", "child": "Mateo", "minutes": 10}
        )
    )
    state = await bot.say(PARENT, "genera código")
    message = bot_messages(state)[-1]
    assert "ya no está disponible" in message["text"] and "Mateo" in message["text"]
    assert chat_state_of(bot.bank).deletions.pending(f"tg:{PARENT}") == []


async def test_a_deleted_code_message_is_not_retried_forever(
    bot: RunningBot, clock: FixedClock
) -> None:
    ref = bot.bank.secret_box.put(sender_id=f"tg:{PARENT}", kind="activation_code", value="111222")
    bot.rasa.reply_with(
        reply(custom={"type": "activation_code", "ref": ref, "child": "Andrea", "minutes": 1})
    )
    state = await bot.say(PARENT, "genera código")
    shown = bot_messages(state)[-1]
    # The parent deleted it already: the sweep's "message to delete not found" ends it.
    await bot.playground.raw(
        "deleteMessage", json={"chat_id": PARENT, "message_id": shown["message_id"]}
    )
    clock.advance(minutes=2)
    await wait_until_no_deletion_pending(bot, PARENT)


async def test_a_deep_link_uses_the_bots_username_and_is_clickable(bot: RunningBot) -> None:
    bot.rasa.reply_with(reply(custom={"type": "deep_link", "start": "mini"}))
    state = await bot.say(PARENT, "compartir enlace")
    message = bot_messages(state)[-1]
    link = f"https://t.me/{BOT_USERNAME}?start=mini"
    assert link in message["text"] and "Comparte este enlace" in message["text"]
    assert f'<a href="{link}">{link}</a>' in message["html"]


async def test_a_picture_is_drawn_sent_with_its_caption_and_cached(bot: RunningBot) -> None:
    for _ in range(2):
        bot.rasa.reply_with(reply(custom={"type": "picture", "id": "avatar_fox", "caption": "Tú"}))
        state = await bot.say(CUSTOMER, "listo")
    message = bot_messages(state)[-1]
    assert message["photo"] and message["caption"] == "Tú"
    assert message["photo_width"] == message["photo_height"]
    assert (await bot.playground.client.stats())["uploads"] == 1


async def test_a_notice_with_a_button_sends_its_filled_payload_when_tapped(
    bot: RunningBot,
) -> None:
    bank = bot.bank
    with unit_of_work(bank.sessions) as session:
        seed_demo(session, hasher=bank.hasher, clock=bank.clock)
    signed = bank.parent_sign_in.sign_in(
        sender_id=f"tg:{PARENT}", username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert signed.code == "signed_in"
    with unit_of_work(bank.sessions) as session:
        # The sign-in linked the parent's chat: the notice goes there.
        carlos = session.scalars(
            select(CustomerChat.customer_id).where(CustomerChat.sender_id == f"tg:{PARENT}")
        ).one()
        queue_notice(
            session,
            customer_id=carlos,
            kind="mini_code_requested",
            data={"child": "Andrea", "child_ref": "mini_7"},
            now=bank.clock.now(),
        )
    state = await bot.wait(PARENT, lambda s: len(bot_messages(s)) == 1)
    notice = bot_messages(state)[0]
    assert "nos piden un código de activación para Andrea" in notice["text"]
    button = find_button(notice, "Generar código")
    assert button["callback_data"].startswith("c:") and "mini_7" not in button["callback_data"]
    bot.rasa.reply_with(reply(text="Código listo"))
    await bot.playground.client.tap(PARENT, notice["message_id"], button["callback_data"])
    await bot.wait(PARENT, lambda s: bot_messages(s)[-1]["text"] == "Código listo")
    assert bot.rasa.messages == ['/generate_code{"child_ref": "mini_7"}']


def test_the_mini_deep_links() -> None:
    assert DEEP_LINKS["mini"] == "/start_mini_registration"
    assert DEEP_LINKS["hijos"] == "/start_parent_mini"
    assert DEEP_LINKS["entrar"] == "/start_mini_sign_in"
    assert DEEP_LINKS["registro"] == "/start_registration"


async def test_start_with_a_mini_parameter_opens_its_journey(bot: RunningBot) -> None:
    for typed in ("/start mini", "/start hijos", "/start ENTRAR", "/start nada"):
        await bot.say(CUSTOMER, typed)
    assert bot.rasa.messages == [
        "/start_mini_registration",
        "/start_parent_mini",
        "/start_mini_sign_in",
        "/greet",
    ]
