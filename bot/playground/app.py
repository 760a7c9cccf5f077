"""Wiring of the playground: Bot API stand-in, page API, web page, on one aiohttp application."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path
from typing import Any, Final

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.playground.botapi.routes import add_bot_api_routes
from bot.playground.delivery import DeliverySettings, WebhookDeliverer
from bot.playground.keys import OUTBOX_READER_KEY, STATE_KEY, TOKEN_KEY, OutboxReader
from bot.playground.state import PlaygroundState
from bot.playground.webapi import add_page_api_routes, page_errors

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_REQUEST_BYTES: Final = 20 * 1024 * 1024  # photos are up to 10 MB, plus the form around them
_TOKEN_IN_PATH: Final = re.compile(r"^/(file/)?bot[^/]+")
DELIVERY_TASK_KEY: Final = web.AppKey("playground_webhook_delivery", asyncio.Task[None])


def allowed_host_guard(allowed_hosts: frozenset[str]) -> Any:
    """Middleware: answer only requests addressed to these host names (blocks DNS rebinding),
    and refuse cross-site browser requests (an Origin header naming another host)."""

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        host = (request.url.host or "").strip("[]")
        origin = request.headers.get("Origin")
        if host not in allowed_hosts or (
            origin is not None and origin != f"{request.scheme}://{request.host}"
        ):
            return web.json_response({"error": "forbidden host or origin"}, status=403)
        response: web.StreamResponse = await handler(request)
        return response

    return guard


async def index(request: web.Request) -> web.FileResponse:
    """The chat page."""
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


def build_playground_app(
    *,
    token: str,
    outbox_reader: OutboxReader | None = None,
    state: PlaygroundState | None = None,
    allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS,
    delivery: DeliverySettings | None = None,
) -> web.Application:
    """The playground application; `allowed_hosts=None` accepts any Host (non-loopback bind).

    `delivery` tunes how updates are POSTed while a webhook is set (timeouts, retry backoff).
    """
    middlewares: list[Any] = [page_errors]
    if allowed_hosts is not None:
        middlewares.insert(0, allowed_host_guard(allowed_hosts))
    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=middlewares)
    app[STATE_KEY] = state or PlaygroundState()
    app[TOKEN_KEY] = token
    app[OUTBOX_READER_KEY] = outbox_reader
    add_bot_api_routes(app)
    add_page_api_routes(app)
    app.router.add_get("/", index)
    app.router.add_static("/static", STATIC_DIR)

    async def start_delivery(app: web.Application) -> None:
        deliverer = WebhookDeliverer(app[STATE_KEY], delivery)
        app[DELIVERY_TASK_KEY] = asyncio.create_task(deliverer.run())

    async def release_long_polls(app: web.Application) -> None:
        app[STATE_KEY].close()

    async def stop_delivery(app: web.Application) -> None:
        task = app.get(DELIVERY_TASK_KEY)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start_delivery)
    app.on_shutdown.append(release_long_polls)
    app.on_cleanup.append(stop_delivery)
    return app


class TokenMaskingAccessLogger(AbstractAccessLogger):
    """Access log lines without the bot token (it is in every Bot API path) or query strings."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """One line per request: method, path with the token masked, status, duration."""
        path = _TOKEN_IN_PATH.sub(lambda match: f"/{match.group(1) or ''}bot<token>", request.path)
        self.logger.info("%s %s %s %.3fs", request.method, path, response.status, time)
