"""Webhook mode: an aiohttp server that accepts Telegram's POSTs only with the secret token.

A request without the X-Telegram-Bot-Api-Secret-Token header, or with a wrong one, gets 403 and
nothing is processed. The token is compared in constant time and never logged.

With the shared ordering (BOT_SHARED_STATE_URL) an update is answered 200 only once it is
recorded in Redis (503 when Redis cannot take it, so Telegram delivers it again later); without
it, the update goes to this process's update queue.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Final

from aiohttp import web
from redis.exceptions import RedisError
from telegram import Update
from telegram.ext import Application

from bot.shared_state.ordering import SharedChatOrdering
from bot.telegram.ordering import update_chat_id

logger = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_BODY_BYTES: Final = 1024 * 1024


def build_webhook_app(
    application: Application,  # type: ignore[type-arg]
    *,
    path: str,
    secret_token: str,
    ordering: SharedChatOrdering | None = None,
) -> web.Application:
    """An aiohttp app that queues each valid update: into `ordering` (shared by the instances)
    when given, else into the bot's update queue."""
    expected = secret_token.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not given or not hmac.compare_digest(given, expected):
            logger.warning("webhook request refused: missing or wrong secret token")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("webhook request refused: not an update")
            return web.Response(status=400)
        if not isinstance(update, Update):
            logger.warning("webhook request refused: not an update")
            return web.Response(status=400)
        if ordering is None:
            await application.update_queue.put(update)
            return web.Response(status=200)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        try:
            await ordering.receive(update_chat_id(update) or 0, update.update_id, body)
        except RedisError as exc:
            logger.warning("update not recorded (%s): Telegram will retry", type(exc).__name__)
            return web.Response(status=503)
        return web.Response(status=200)

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(path, receive)
    return app
