"""Webhook mode with several instances: the Redis-shared per-chat ordering, wired to PTB.

An update whose processing was interrupted (its instance was killed mid-turn) is not processed
again: the customer's message may already have reached Rasa, and the bank's update-id claim
drops it anyway. Instead the chat gets what a lost reply gets (bot/telegram/delivery.py): the
apology "mi última respuesta no te llegó" and its current step asked again. A chat an agent
holds is left alone (Rasa is not in that conversation).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application

from bot.rasa_outage import RasaOutage
from bot.shared_state.chat_queue import RedisChatQueue
from bot.shared_state.ordering import SharedChatOrdering
from bot.shared_state.settings import SharedStateSettings
from bot.telegram.application import OUTAGE_KEY
from bot.telegram.delivery import recover_lost_reply
from bot.telegram.handlers import rasa_metadata
from bot.telegram.render import chat_key
from bot.telegram.services import SERVICES_KEY, BotServices

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

    async def resume(payload: str) -> None:
        await resume_interrupted(application, Update.de_json(json.loads(payload), application.bot))

    ordering = SharedChatOrdering(
        RedisChatQueue(redis, f"{shared.key_prefix}:{bot_id}"),
        process,
        resume=resume,
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


async def resume_interrupted(
    application: Application,  # type: ignore[type-arg]
    update: Update,
) -> None:
    """A turn cut off by a dead instance: apologise and ask the chat's step again."""
    chat = update.effective_chat
    services = application.bot_data.get(SERVICES_KEY)
    if chat is None or chat.type != ChatType.PRIVATE or not isinstance(services, BotServices):
        return
    if await services.assist.holder(chat_key(chat.id)) is not None:
        return
    await recover_lost_reply(application.bot, services, chat.id, rasa_metadata(update))
