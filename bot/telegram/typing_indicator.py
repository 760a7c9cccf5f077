"""Shows "typing..." in a chat while the bot waits for Rasa."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Final

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

# Telegram shows a chat action for about 5 seconds; renew it a little before.
REFRESH_SECONDS: Final = 4.0


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int, every: float = REFRESH_SECONDS) -> AsyncIterator[None]:
    """Keep the chat's typing indicator on until the block ends (failures are ignored)."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:
                logger.debug("typing indicator failed (%s)", type(exc).__name__)
            await asyncio.sleep(every)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
