"""Webhook mode with several instances: the Redis-shared per-chat ordering, wired to PTB."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from telegram import Update
from telegram.ext import Application

from bot.rasa_outage import RasaOutage
from bot.shared_state.chat_queue import RedisChatQueue
from bot.shared_state.ordering import SharedChatOrdering
from bot.shared_state.settings import SharedStateSettings
from bot.telegram.application import OUTAGE_KEY

logger = logging.getLogger(__name__)


@asynccontextmanager
async def shared_ordering(
    application: Application,  # type: ignore[type-arg]
    shared: SharedStateSettings,
    *,
    bot_id: str,
) -> AsyncIterator[SharedChatOrdering | None]:
    """The running cross-instance ordering, or None without BOT_SHARED_STATE_URL."""
    if shared.redis_url is None:
        yield None
        return
    redis = Redis.from_url(shared.redis_url)

    async def process(payload: str) -> None:
        update = Update.de_json(json.loads(payload), application.bot)
        await application.process_update(update)

    ordering = SharedChatOrdering(
        RedisChatQueue(redis, f"{shared.key_prefix}:{bot_id}"),
        process,
        lease_seconds=shared.lease_seconds,
        gap_wait_seconds=shared.gap_wait_seconds,
    )
    ordering.start()
    logger.info("updates ordered per chat across instances through Redis")
    try:
        yield ordering
    finally:
        # As GracefulApplication.stop() does for its own queue: end the waits for Rasa first,
        # so the updates under way finish at once instead of holding the exit.
        outage = application.bot_data.get(OUTAGE_KEY)
        if isinstance(outage, RasaOutage):
            outage.stop()
        await ordering.stop()
        await redis.aclose()
