"""Runs the bot: long polling (default) or the webhook server, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from telegram.ext import Application

from bot.shared_state.settings import SharedStateSettings
from bot.telegram.application import ALLOWED_UPDATES
from bot.telegram.settings import BotSettings
from bot.telegram.shared_ordering import shared_ordering
from bot.telegram.webhook import build_webhook_app

logger = logging.getLogger(__name__)


def run_polling(application: Application) -> None:  # type: ignore[type-arg]
    """Long-poll the Bot API until stopped (python-telegram-bot handles signals)."""
    application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)


async def serve_webhook(
    application: Application,  # type: ignore[type-arg]
    settings: BotSettings,
    stop: asyncio.Event,
    *,
    register: bool = True,
    shared: SharedStateSettings | None = None,
) -> None:
    """Serve the webhook until `stop` is set; register it with the Bot API first if asked.

    With `shared.redis_url` the updates are ordered per chat across every instance (Redis).
    Several instances register the same url (the load balancer's) and must share
    WEBHOOK_SECRET_TOKEN: Telegram sends the secret of the last setWebhook.
    """
    shared = shared or SharedStateSettings(redis_url=None)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    runner: web.AppRunner | None = None
    try:
        await application.start()
        async with shared_ordering(application, shared, bot_id=settings.bot_id) as ordering:
            webhook = build_webhook_app(
                application,
                path=settings.webhook_path,
                secret_token=settings.webhook_secret_token,
                ordering=ordering,
            )
            runner = web.AppRunner(webhook, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
            if register and settings.webhook_url:
                await application.bot.set_webhook(
                    settings.webhook_url,
                    secret_token=settings.webhook_secret_token,
                    allowed_updates=ALLOWED_UPDATES,
                    max_connections=shared.webhook_max_connections,
                )
            logger.info(
                "webhook server on %s:%d%s",
                settings.webhook_listen,
                settings.webhook_port,
                settings.webhook_path,
            )
            await stop.wait()
            # Stop taking updates before the ordering finishes its current ones.
            await runner.cleanup()
            runner = None
    finally:
        if runner is not None:
            await runner.cleanup()
        if application.running:
            await application.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()


def run_webhook(
    application: Application,  # type: ignore[type-arg]
    settings: BotSettings,
    shared: SharedStateSettings | None = None,
) -> None:
    """Serve the webhook until SIGINT or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await serve_webhook(application, settings, stop, shared=shared)

    asyncio.run(main())
