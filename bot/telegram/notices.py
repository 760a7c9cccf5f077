"""Delivers the bank's notices (an approval, a lock) to the chat a customer last signed in from.

Any number of bot instances may run this: each notice is claimed in the database first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bank.notifications import Notice, Notifications
from bot.telegram.texts import NOTICE_PREFIX, ChannelTexts, MissingTextError
from bot.telegram.ui import html_text

logger = logging.getLogger(__name__)

POLL_SECONDS: Final = 2.0
TELEGRAM_PREFIX: Final = "tg:"


def telegram_chat_id(sender_id: str) -> int | None:
    """The Telegram chat id of a "tg:<id>" sender, else None (another channel's chat)."""
    if not sender_id.startswith(TELEGRAM_PREFIX):
        return None
    try:
        return int(sender_id[len(TELEGRAM_PREFIX) :])
    except ValueError:
        return None


async def deliver_notices(bot: Bot, notifications: Notifications, texts: ChannelTexts) -> int:
    """Claim and send pending notices once; return how many were delivered."""
    delivered = 0
    for notice in await asyncio.to_thread(notifications.claim):
        if await _send(bot, notice, texts):
            await asyncio.to_thread(notifications.delivered, notice.id)
            delivered += 1
        else:
            await asyncio.to_thread(notifications.failed, notice.id)
    return delivered


async def _send(bot: Bot, notice: Notice, texts: ChannelTexts) -> bool:
    chat_id = telegram_chat_id(notice.sender_id)
    if chat_id is None:
        logger.info("notice %d is for a chat outside Telegram; left for that channel", notice.id)
        return False
    try:
        text = texts.get(NOTICE_PREFIX + notice.kind, **notice.data)
    except MissingTextError:
        logger.error("no text for notice kind %r (notice %d)", notice.kind, notice.id)
        return False
    try:
        await bot.send_message(chat_id, html_text(text), parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        logger.warning("notice %d not delivered (%s)", notice.id, type(exc).__name__)
        return False
    return True


async def notice_loop(
    bot: Bot, notifications: Notifications, texts: ChannelTexts, every: float = POLL_SECONDS
) -> None:
    """Deliver notices until cancelled; a failure is logged and the loop goes on."""
    while True:
        try:
            await deliver_notices(bot, notifications, texts)
        except Exception as exc:
            logger.error("notice delivery failed (%s)", type(exc).__name__)
        await asyncio.sleep(every)


async def stop_task(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task and wait for it."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
