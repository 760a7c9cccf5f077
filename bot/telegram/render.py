"""Renders a Turn (what Rasa answered) as Telegram messages: text, inline keyboards, pictures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bank.channel_state import ACTION_DONE, ACTION_PICK, ACTION_SEND, ACTION_UNDO, ButtonSpec
from bot.channel_stores import AsyncChannelState
from bot.conversation import Turn
from bot.pictures import keyboard_cache_key, render_keyboard, render_qr
from bot.pictures.grid import grid_columns
from bot.rasa_client import (
    BotMessage,
    ImageKeyboard,
    ImageMessage,
    QrCode,
    SecureInputRequest,
    SensitiveMarker,
    TextMessage,
    UnknownCustom,
)
from bot.telegram.texts import ChannelTexts
from bot.telegram.ui import (
    MAX_CAPTION_LENGTH,
    choice_keyboard,
    html_text,
    numbered_keyboard,
    progress,
    split_text,
)

logger = logging.getLogger(__name__)

KEYBOARD_PICTURE_NAME: Final = "opciones.png"
QR_PICTURE_NAME: Final = "token.png"


def button_columns(option_count: int) -> int:
    """Numbered buttons per row: the picture's columns, so buttons line up with its cells."""
    return min(option_count, grid_columns(option_count))


def chat_key(chat_id: int) -> str:
    """The Rasa sender id and channel-state key of a Telegram chat."""
    return f"tg:{chat_id}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A bot message and whether it must be protected from forwarding and saving."""

    message: BotMessage
    protect: bool


def mark_sensitive(messages: Sequence[BotMessage]) -> list[Outgoing]:
    """Pair messages with their protection: a SensitiveMarker protects the text before it."""
    out: list[Outgoing] = []
    for message in messages:
        if isinstance(message, SensitiveMarker):
            for index in range(len(out) - 1, -1, -1):
                if isinstance(out[index].message, TextMessage):
                    out[index] = Outgoing(out[index].message, protect=True)
                    break
            continue
        out.append(Outgoing(message, protect=isinstance(message, QrCode)))
    return out


class TurnRenderer:
    """Sends what Rasa answered to one Telegram chat."""

    def __init__(
        self, *, bot: Bot, state: AsyncChannelState, texts: ChannelTexts, bot_id: str
    ) -> None:
        self._bot = bot
        self._state = state
        self._texts = texts
        self._bot_id = bot_id

    async def render(self, chat_id: int, turn: Turn) -> None:
        """Send a turn's messages in order, or an apology when it was not delivered."""
        if not turn.delivered:
            await self.send_text(chat_id, self._texts.get("utter_channel_unavailable"))
            return
        for item in mark_sensitive(turn.messages):
            await self._render_one(chat_id, item)

    async def _render_one(self, chat_id: int, item: Outgoing) -> None:
        message = item.message
        if isinstance(message, TextMessage):
            await self.send_text(chat_id, message.text, buttons=message, protect=item.protect)
        elif isinstance(message, ImageKeyboard):
            await self.send_image_keyboard(chat_id, message)
        elif isinstance(message, QrCode):
            await self.send_qr(chat_id, message)
        elif isinstance(message, ImageMessage):
            await self._bot.send_photo(chat_id, message.url, protect_content=item.protect)
        elif isinstance(message, (SecureInputRequest, SensitiveMarker)):
            pass  # Instructions for the channel, not something to show.
        elif isinstance(message, UnknownCustom):
            logger.warning("skipped a custom payload this channel does not render")

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        buttons: TextMessage | None = None,
        protect: bool = False,
    ) -> Message | None:
        """Send escaped text, with its buttons as an inline keyboard under the last chunk."""
        options = buttons.buttons if buttons is not None else ()
        chunks = split_text(text) if text else []
        if not chunks and not options:
            return None
        markup: InlineKeyboardMarkup | None = None
        keyboard_id: str | None = None
        if options:
            keyboard_id, callback_ids = await self._state.register_keyboard(
                chat_key(chat_id),
                [ButtonSpec(ACTION_SEND, button.payload, button.title) for button in options],
            )
            markup = choice_keyboard([button.title for button in options], callback_ids)
            if not chunks:
                chunks = ["👇"]
        sent: Message | None = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent = await self._bot.send_message(
                chat_id,
                html_text(chunk),
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                protect_content=protect,
            )
        if keyboard_id is not None and sent is not None:
            await self._state.attach_message(keyboard_id, sent.message_id)
        return sent

    async def send_image_keyboard(self, chat_id: int, keyboard: ImageKeyboard) -> None:
        """Send the numbered grid picture with numbered buttons (and Borrar/Listo if multi)."""
        numbers = [str(number) for number in range(1, len(keyboard.options) + 1)]
        multi = keyboard.choose > 1
        if multi:
            specs = [
                ButtonSpec(ACTION_PICK, option.id, f"{n} · {option.label}")
                for n, option in zip(numbers, keyboard.options, strict=True)
            ]
            extra_titles = [
                self._texts.get("utter_channel_undo_button"),
                self._texts.get("utter_channel_done_button"),
            ]
            specs += [
                ButtonSpec(ACTION_UNDO, "", extra_titles[0]),
                ButtonSpec(ACTION_DONE, "", extra_titles[1]),
            ]
            caption = self._texts.get(
                "utter_channel_pick_many",
                choose=keyboard.choose,
                progress=progress(0, keyboard.choose),
            )
        else:
            specs = [
                ButtonSpec(ACTION_SEND, keyboard.payload_for(option.id), f"{n} · {option.label}")
                for n, option in zip(numbers, keyboard.options, strict=True)
            ]
            extra_titles = []
            caption = self._texts.get("utter_channel_pick_one")
        keyboard_id, callback_ids = await self._state.register_keyboard(
            chat_key(chat_id),
            specs,
            choose=keyboard.choose,
            payload_template=keyboard.payload_template if multi else None,
        )
        count = len(keyboard.options)
        markup = numbered_keyboard(
            numbers,
            callback_ids[:count],
            per_row=button_columns(count),
            extra_titles=extra_titles,
            extra_callback_ids=callback_ids[count:],
        )
        sent = await self.send_cached_picture(
            chat_id,
            cache_key=keyboard_cache_key(keyboard.kind, keyboard.options),
            draw=lambda: render_keyboard(keyboard.options, kind=keyboard.kind).png,
            caption=caption,
            markup=markup,
        )
        await self._state.attach_message(keyboard_id, sent.message_id)

    async def send_cached_picture(
        self,
        chat_id: int,
        *,
        cache_key: str,
        draw: Callable[[], bytes],
        caption: str,
        markup: InlineKeyboardMarkup | None = None,
        protect: bool = False,
    ) -> Message:
        """Send a picture by its cached file_id, or draw and upload it once and cache the id."""
        cached = await self._state.media_file_id(self._bot_id, cache_key)
        if cached is not None:
            try:
                return await self._send_photo(chat_id, cached, caption, markup, protect)
            except BadRequest:
                # The platform forgot the file (or it came from another bot): upload again.
                logger.info("cached picture refused; uploading it again")
                await self._state.forget_media(self._bot_id, cache_key)
        png = await asyncio.to_thread(draw)
        sent = await self._send_photo(
            chat_id, InputFile(png, filename=KEYBOARD_PICTURE_NAME), caption, markup, protect
        )
        if sent.photo:
            await self._state.remember_media(self._bot_id, cache_key, sent.photo[-1].file_id)
        return sent

    async def _send_photo(
        self,
        chat_id: int,
        photo: str | InputFile,
        caption: str,
        markup: InlineKeyboardMarkup | None,
        protect: bool,
    ) -> Message:
        return await self._bot.send_photo(
            chat_id,
            photo,
            caption=html_text(caption[:MAX_CAPTION_LENGTH]),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            protect_content=protect,
        )

    async def send_qr(self, chat_id: int, qr: QrCode) -> None:
        """Send the Token digital QR as a protected photo (never cached: it is a secret)."""
        if qr.content is None:
            await self.send_text(chat_id, self._texts.get("utter_channel_qr_unavailable"))
            return
        content = qr.content
        png = await asyncio.to_thread(render_qr, content)
        await self._send_photo(
            chat_id, InputFile(png, filename=QR_PICTURE_NAME), qr.caption, None, protect=True
        )
