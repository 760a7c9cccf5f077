"""Steps a person takes in a playground chat, shared by the e2e tests: wait for a text, type a
secret (it must vanish from the chat), tap pictures of an image keyboard by what they show."""

from __future__ import annotations

import asyncio

from bank.bootstrap import Bank
from bot.chat_state import chat_state_of
from bot.chat_state.keyboards import ACTION_PICK
from bot.playground.client import bot_messages
from tests.support.telegram_user import TelegramUser


async def wait_for_text(person: TelegramUser, fragment: str, timeout: float = 60) -> dict:
    """Wait until a bot message containing `fragment` shows in the person's chat."""
    state = await person.client.wait_for(
        person.user_id,
        lambda s: any(fragment in (m["text"] or "") for m in bot_messages(s)),
        timeout=timeout,
    )
    return next(m for m in reversed(bot_messages(state)) if fragment in (m["text"] or ""))


async def type_secret(person: TelegramUser, value: str, step: str | None = None) -> None:
    """Type a secret: it must vanish from the chat (and move the journey to `step`)."""
    await person.say(value)
    if step is not None:
        await person.wait_step(step)
    assert await person.last_message_deleted(), "the secret stayed in the chat"


async def tap_pictures(person: TelegramUser, bank: Bank, pictures: tuple[str, ...]) -> None:
    """Tap pictures by what they show (as a child looks at the grid), then "Listo"."""
    keyboard = [m for m in bot_messages(await person.state()) if m["photo"] and m["buttons"]][-1]
    by_picture: dict[str, str] = {}
    for row in keyboard["buttons"]:
        for button in row:
            tap = await asyncio.to_thread(
                chat_state_of(bank).keyboards.resolve_tap, button["callback_data"], person.sender_id
            )
            if tap is not None and tap.action == ACTION_PICK:
                by_picture[tap.payload] = button["callback_data"]
    for picture in pictures:
        await person.client.tap(person.user_id, keyboard["message_id"], by_picture[picture])
        await asyncio.sleep(0.3)
    await person.tap("Listo")
