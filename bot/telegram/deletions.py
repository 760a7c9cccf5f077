"""Deletes messages whose time has come (an activation code when it expires).

The deletions are kept in the database, so a restarted bot still does them; any number of bot
instances may run this job (bot/telegram/jobs.py): each deletion is claimed first.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.chat_state.async_state import AsyncChatState
from bot.telegram.notices import TELEGRAM_PREFIX, telegram_chat_id

logger = logging.getLogger(__name__)


async def delete_due_messages(bot: Bot, state: AsyncChatState) -> int:
    """Claim the due deletions of Telegram chats and do them once; return how many are done."""
    done = 0
    for due in await state.claim_due_deletions(chat_prefix=TELEGRAM_PREFIX):
        chat_id = telegram_chat_id(due.chat_key)
        if chat_id is not None:
            try:
                await bot.delete_message(chat_id, due.message_id)
            except (BadRequest, Forbidden) as exc:
                # Gone already, too old to delete, or the bot was blocked: nothing more to do.
                logger.info("scheduled deletion %d not needed (%s)", due.id, type(exc).__name__)
            except TelegramError as exc:
                logger.warning("scheduled deletion %d failed (%s)", due.id, type(exc).__name__)
                continue  # claimed for a while; tried again after that
        await state.deletion_done(due.id)
        done += 1
    return done
