"""Every keyboard the domain can produce, rendered by the real bot through the Bot API stand-in:
callback data stay opaque and under 64 bytes, pictures fit Telegram and show one cell per option."""

from __future__ import annotations

import io
import secrets
from pathlib import Path
from typing import Any

import pytest
from bot_fakes import FakeRasa
from PIL import Image
from playground_support import CUSTOMER, running_playground
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from telegram_harness import reply, running_bot

from actions.common.bank_access import current_bank
from actions.mini.keyboards import send_avatar_keyboard, send_picture_password_keyboard
from actions.registration.prompts import AskSecurityImage
from bank.migrate import upgrade_database
from bank.mini.pictures import AVATARS, shuffled_password_pictures
from bot.chat_state.keyboards import is_callback_id
from bot.pictures import render_keyboard
from bot.playground.client import bot_messages
from bot.rasa_messages import ImageKeyboard
from bot.rasa_output import parse_custom
from bot.telegram.image_keyboards import button_columns
from formats.domain_files import load_channel_responses, load_domain

TELEGRAM_MAX_PHOTO_SIDES = 10_000
TELEGRAM_MAX_RATIO = 20


def domain_button_responses() -> list[tuple[str, dict[str, Any]]]:
    """Every response variation in domain/ and channel/texts.yml that carries buttons."""
    responses = {**load_domain()["responses"], **load_channel_responses()}
    found = []
    for name, variations in responses.items():
        for variation in variations:
            if variation.get("buttons"):
                found.append((name, variation))
    return found


async def test_every_domain_button_keyboard_renders_with_opaque_short_callback_data(
    tmp_path: Path,
) -> None:
    responses = domain_button_responses()
    assert len(responses) >= 8, "the domain offers buttons in many places"
    rasa = FakeRasa()
    async with running_playground() as playground, running_bot(playground, rasa, tmp_path) as bot:
        seen: set[str] = set()
        for name, variation in responses:
            rasa.reply_with(reply(text=variation.get("text", ""), buttons=variation["buttons"]))
            state = await bot.say(CUSTOMER, f"muéstrame {name}")
            message = bot_messages(state)[-1]
            buttons = [button for row in message["buttons"] for button in row]
            assert [b["text"] for b in buttons] == [b["title"] for b in variation["buttons"]], name
            for button in buttons:
                data = button["callback_data"]
                assert is_callback_id(data) and len(data.encode()) <= 64, name
                assert data not in seen, "callback ids are never reused"
                seen.add(data)
                assert "/" not in data and "{" not in data, "the payload never travels"


async def test_every_image_keyboard_the_actions_send_renders_as_a_numbered_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'actions.db'}")
    monkeypatch.setenv("BANK_SECRET_KEY", secrets.token_hex(32))
    upgrade_database()
    current_bank.cache_clear()
    domain = load_domain()
    dispatcher = CollectingDispatcher()
    tracker = Tracker("test:keyboards", {}, {}, [], False, None, {}, "")
    try:
        await AskSecurityImage().run(dispatcher, tracker, domain)
    finally:
        current_bank().dispose()
        current_bank.cache_clear()
    send_avatar_keyboard(dispatcher, AVATARS)
    send_picture_password_keyboard(dispatcher, shuffled_password_pictures())
    payloads = [message["custom"] for message in dispatcher.messages if message.get("custom")]
    keyboards = [parse_custom(payload) for payload in payloads]
    assert keyboards and all(isinstance(k, ImageKeyboard) for k in keyboards)
    assert {k.kind for k in keyboards if isinstance(k, ImageKeyboard)} >= {
        "security_image",
        "mini_avatar",
        "mini_picture_password",
    }

    rasa = FakeRasa()
    async with running_playground() as playground, running_bot(playground, rasa, tmp_path) as bot:
        for payload, keyboard in zip(payloads, keyboards, strict=True):
            assert isinstance(keyboard, ImageKeyboard)
            rasa.reply_with(reply(custom=payload))
            state = await bot.say(CUSTOMER, "siguiente")
            message = bot_messages(state)[-1]
            assert message["photo"], "an image keyboard is a picture"
            png = await playground.client.photo_bytes(message["photo"])
            shown = Image.open(io.BytesIO(png))
            expected = render_keyboard(keyboard.options, kind=keyboard.kind)
            assert shown.size == (expected.width, expected.height)
            assert shown.width + shown.height <= TELEGRAM_MAX_PHOTO_SIDES
            ratio = max(shown.size) / min(shown.size)
            assert ratio <= TELEGRAM_MAX_RATIO
            assert [cell.number for cell in expected.cells] == list(
                range(1, len(keyboard.options) + 1)
            )
            assert [cell.option_id for cell in expected.cells] == [o.id for o in keyboard.options]
            for cell in expected.cells:
                left, top, right, bottom = cell.box
                assert 0 <= left < right <= shown.width and 0 <= top < bottom <= shown.height
            rows = message["buttons"]
            multi = keyboard.choose > 1 or keyboard.secret is not None
            if multi:  # then a row with "Borrar" and "Listo"
                assert [b["text"] for b in rows[-1]] == ["⌫ Borrar", "✅ Listo"]
                rows = rows[:-1]
            assert [b["text"] for row in rows for b in row] == [
                str(n) for n in range(1, len(keyboard.options) + 1)
            ]
            assert {len(row) for row in rows[:-1]} == {button_columns(len(keyboard.options))}
            for row in rows:
                for button in row:
                    assert is_callback_id(button["callback_data"])
