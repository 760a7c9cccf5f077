"""Webhook mode: an aiohttp server that accepts Telegram's POSTs only with the secret token.

A request without the X-Telegram-Bot-Api-Secret-Token header, or with a wrong one, gets 403 and
nothing is processed. The token is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Final

from aiohttp import web
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_BODY_BYTES: Final = 1024 * 1024


def build_webhook_app(
    application: Application,  # type: ignore[type-arg]
    *,
    path: str,
    secret_token: str,
) -> web.Application:
    """An aiohttp app that queues each valid update into the bot's update queue."""
    expected = secret_token.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not given or not hmac.compare_digest(given, expected):
            logger.warning("webhook request refused: missing or wrong secret token")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            logger.warning("webhook request refused: not an update")
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response(status=200)

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(path, receive)
    return app
