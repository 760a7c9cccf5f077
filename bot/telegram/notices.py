"""Delivers the bank's notices (an approval, a lock, a code request) to their chat.

Any number of bot instances may run this: each notice is claimed in the database first. A notice
whose response has buttons gets them as an inline keyboard: a tap sends the button's payload,
with `{name}` replaced by the notice's data, to Rasa like any other button. A notice whose data
has `celebrate` ("goal" or "mission", e.g. a reward approved) is followed by the celebration. A
notice to a quiet chat (a child who turned the music off) arrives without a notification sound,
and without the celebration.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bank.notifications import Notice, Notifications
from bot.channel_text_names import NOTICE_PREFIX
from bot.channel_texts import ChannelTexts, MissingTextError
from bot.chat_state.async_state import AsyncChatState
from bot.chat_state.keyboards import ACTION_SEND, ButtonSpec
from bot.quiet_chats import AsyncQuietChats
from bot.rasa_messages import Celebration, is_celebration_reason
from bot.telegram.render import TurnRenderer
from bot.telegram.ui import choice_keyboard, html_text
from bot.transcript import TranscriptRecorder, assistant_line

logger = logging.getLogger(__name__)

# A notice's placeholders from the texts, its kind and its data.
NoticeValues = Callable[[ChannelTexts, str, Mapping[str, Any]], dict[str, Any]]
# A notice kind another part of the channel delivers itself (the web desk's, assisted mode):
# True once delivered, False to try again later.
NoticeRelay = Callable[[Bot, Notice], Awaitable[bool]]

TELEGRAM_PREFIX: Final = "tg:"


def telegram_chat_id(sender_id: str) -> int | None:
    """The Telegram chat id of a "tg:<id>" sender, else None (another channel's chat)."""
    if not sender_id.startswith(TELEGRAM_PREFIX):
        return None
    try:
        return int(sender_id[len(TELEGRAM_PREFIX) :])
    except ValueError:
        return None


async def deliver_notices(
    bot: Bot,
    notifications: Notifications,
    texts: ChannelTexts,
    state: AsyncChatState,
    quiet: AsyncQuietChats,
    *,
    bot_id: str,
    values: NoticeValues,
    recorder: TranscriptRecorder | None = None,
    relays: Mapping[str, NoticeRelay] | None = None,
) -> int:
    """Claim and send pending notices once; return how many were delivered.

    `values` gives the placeholders of a notice's text (its data, plus labels a journey adds:
    assisted mode's `notice_values`). With a recorder, each delivered notice's text goes to the
    chat's transcript for agents. A kind in `relays` is delivered by its relay instead (which
    keeps the transcript itself).
    """
    renderer = TurnRenderer(bot=bot, state=state, texts=texts, bot_id=bot_id, quiet=quiet)
    delivered = 0
    for notice in await asyncio.to_thread(notifications.claim):
        relay = (relays or {}).get(notice.kind)
        if relay is not None:
            sent = await _relay(relay, bot, notice)
            done = notifications.delivered if sent else notifications.failed
            await asyncio.to_thread(done, notice.id)
            delivered += sent
            continue
        text = await _send(bot, notice, texts, values, state, quiet, renderer)
        if text is not None:
            await asyncio.to_thread(notifications.delivered, notice.id)
            delivered += 1
            if recorder is not None:
                await recorder.record(notice.sender_id, [assistant_line(text)])
        else:
            await asyncio.to_thread(notifications.failed, notice.id)
    return delivered


async def _relay(relay: NoticeRelay, bot: Bot, notice: Notice) -> bool:
    """Run a relay; a failure is logged (without the notice's data) and tried again later."""
    try:
        return await relay(bot, notice)
    except Exception as exc:
        logger.warning("notice %d not relayed (%s)", notice.id, type(exc).__name__)
        return False


async def _send(
    bot: Bot,
    notice: Notice,
    texts: ChannelTexts,
    notice_values: NoticeValues,
    state: AsyncChatState,
    quiet: AsyncQuietChats,
    renderer: TurnRenderer,
) -> str | None:
    """Send one notice; its text once sent, else None."""
    chat_id = telegram_chat_id(notice.sender_id)
    if chat_id is None:
        logger.info("notice %d is for a chat outside Telegram; left for that channel", notice.id)
        return None
    name = NOTICE_PREFIX + notice.kind
    values = notice_values(texts, notice.kind, notice.data)
    try:
        text = texts.get(name, **values)
    except MissingTextError:
        logger.error("no text for notice kind %r (notice %d)", notice.kind, notice.id)
        return None
    buttons = texts.get_buttons(name, **values)
    keyboard_id: str | None = None
    markup = None
    if buttons:
        keyboard_id, callback_ids = await state.register_keyboard(
            notice.sender_id,
            [ButtonSpec(ACTION_SEND, button.payload, button.title) for button in buttons],
        )
        markup = choice_keyboard([button.title for button in buttons], callback_ids)
    silent = await quiet.quiet(notice.sender_id)
    try:
        sent = await bot.send_message(
            chat_id,
            html_text(text),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            disable_notification=silent,
        )
    except TelegramError as exc:
        logger.warning("notice %d not delivered (%s)", notice.id, type(exc).__name__)
        return None
    if keyboard_id is not None:
        await state.attach_message(keyboard_id, sent.message_id)
    reason = notice.data.get("celebrate")
    if not silent and is_celebration_reason(reason):
        await renderer.send_celebration(chat_id, Celebration(reason=reason))
    return text
