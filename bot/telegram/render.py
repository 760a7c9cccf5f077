"""Renders a Turn (what Rasa answered) as Telegram messages: texts with their buttons, codes and
links here; picture keyboards in bot/telegram/image_keyboards.py; pictures, animations and sounds
in bot/telegram/media.py."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.channel_texts import ChannelTexts
from bot.chat_state.async_state import AsyncChatState
from bot.chat_state.keyboards import ACTION_SEND, ButtonSpec
from bot.conversation import Turn
from bot.quiet_chats import AsyncQuietChats
from bot.rasa_messages import (
    ActivationCode,
    BotMessage,
    Celebration,
    DeepLink,
    GoalProgress,
    ImageKeyboard,
    ImageMessage,
    Picture,
    QrCode,
    SensitiveMarker,
    TextMessage,
    UnknownCustom,
)
from bot.secure_input import ExpectedInput, SecureInputRequest
from bot.telegram.image_keyboards import send_image_keyboard
from bot.telegram.media import MediaSender
from bot.telegram.token_qr import send_token_qr
from bot.telegram.ui import choice_keyboard, html_text, split_text

logger = logging.getLogger(__name__)

DEEP_LINK_BASE: Final = "https://t.me/"


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
        out.append(Outgoing(message, protect=isinstance(message, (QrCode, ActivationCode))))
    return out


def deep_link(bot_username: str, start: str) -> str:
    """The t.me link that opens the bot with /start <start>."""
    return f"{DEEP_LINK_BASE}{bot_username}?start={start}"


def link_html(url: str) -> str:
    """A clickable link showing its own address, as parse_mode HTML."""
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>'


class TurnRenderer:
    """Sends what Rasa answered to one Telegram chat.

    A quiet chat (a child who turned the music off) gets every message without a notification
    sound and no celebrations; whether it is quiet is asked once per turn.
    """

    def __init__(
        self,
        *,
        bot: Bot,
        state: AsyncChatState,
        texts: ChannelTexts,
        bot_id: str,
        quiet: AsyncQuietChats,
    ) -> None:
        self._bot = bot
        self._state = state
        self._texts = texts
        self._quiet = quiet
        self._media = MediaSender(bot=bot, state=state, texts=texts, bot_id=bot_id)

    async def render(self, chat_id: int, turn: Turn) -> None:
        """Send a turn's messages in order, or an apology when it was not delivered."""
        silent = await self._quiet.quiet(chat_key(chat_id))
        if not turn.delivered:
            unavailable = self._texts.get("utter_channel_unavailable")
            await self.send_text(chat_id, unavailable, silent=silent)
            return
        for item in mark_sensitive(turn.messages):
            await self._render_one(chat_id, item, silent=silent)

    async def _render_one(self, chat_id: int, item: Outgoing, *, silent: bool) -> None:
        message = item.message
        if isinstance(message, TextMessage):
            await self.send_text(
                chat_id, message.text, buttons=message, protect=item.protect, silent=silent
            )
        elif isinstance(message, ImageKeyboard):
            await send_image_keyboard(
                state=self._state,
                texts=self._texts,
                media=self._media,
                chat_key=chat_key(chat_id),
                chat_id=chat_id,
                keyboard=message,
                silent=silent,
            )
        elif isinstance(message, QrCode):
            await send_token_qr(
                self._bot,
                self._state,
                self._texts,
                chat_key=chat_key(chat_id),
                chat_id=chat_id,
                qr=message,
                silent=silent,
            )
        elif isinstance(message, ActivationCode):
            await self.send_activation_code(chat_id, message, silent=silent)
        elif isinstance(message, DeepLink):
            await self.send_deep_link(chat_id, message, silent=silent)
        elif isinstance(message, Picture):
            await self._media.send_picture(chat_id, message, silent=silent)
        elif isinstance(message, GoalProgress):
            await self._media.send_goal_progress(chat_id, message, silent=silent)
        elif isinstance(message, Celebration):
            if silent:
                logger.debug("celebration left out: the chat is quiet")
            else:
                await self.send_celebration(chat_id, message)
        elif isinstance(message, ImageMessage):
            await self._bot.send_photo(
                chat_id, message.url, protect_content=item.protect, disable_notification=silent
            )
        elif isinstance(message, (SecureInputRequest, ExpectedInput, SensitiveMarker)):
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
        silent: bool = False,
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
                disable_notification=silent,
            )
        if keyboard_id is not None and sent is not None:
            await self._state.attach_message(keyboard_id, sent.message_id)
        return sent

    async def send_activation_code(
        self, chat_id: int, code: ActivationCode, *, silent: bool = False
    ) -> None:
        """Show a Cuenta Mini activation code, protected, and delete it when the code expires."""
        if code.code is None:
            unavailable = self._texts.get(
                "utter_channel_activation_code_unavailable", child=code.child
            )
            await self.send_text(chat_id, unavailable, silent=silent)
            return
        text = self._texts.get_html(
            "utter_channel_activation_code",
            child=html_text(code.child),
            code=f"<b>{html_text(code.code)}</b>",
            minutes=str(code.minutes),
        )
        sent = await self._bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            protect_content=True,
            disable_notification=silent,
        )
        try:
            await self._state.schedule_deletion(
                chat_key(chat_id), sent.message_id, after=timedelta(minutes=code.minutes)
            )
        except Exception as exc:
            # The code still expires in the bank; only the message stays in the chat.
            logger.error("could not schedule the code's deletion (%s)", type(exc).__name__)

    async def send_deep_link(self, chat_id: int, link: DeepLink, *, silent: bool = False) -> None:
        """Show the t.me link that opens this bot at a journey (for another Telegram account)."""
        url = deep_link(await self._bot_username(), link.start)
        text = self._texts.get_html("utter_channel_deep_link", link=link_html(url))
        await self._bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, disable_notification=silent
        )

    async def _bot_username(self) -> str:
        """The bot's @username without the @, as getMe answered it."""
        username: str | None
        try:
            username = self._bot.username
        except RuntimeError:  # the bot was not initialised: ask the Bot API
            username = (await self._bot.get_me()).username
        if not username:
            raise TelegramError("the bot has no username")
        return username

    async def send_celebration(self, chat_id: int, celebration: Celebration) -> None:
        """Confetti and a jingle (bot/telegram/media.py); a failure never loses the turn."""
        await self._media.send_celebration(chat_id, celebration)
