"""Webhook delivery: while a webhook is set, POST each update to it as Telegram does.

Each update goes as a JSON body with the `X-Telegram-Bot-Api-Secret-Token` header (when the bot
gave a secret_token). A 2xx answer confirms it; any other answer, a timeout or a connection error
keeps it and retries it later with exponential backoff, so updates written while every bot is
down arrive once one is back. Up to `max_connections` POSTs are in flight at once, among the
`max_connections` lowest undelivered update_ids: with more than one, a later update may arrive
before an earlier one (as on Telegram); with one, they arrive strictly in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Final

import aiohttp

from bot.playground.state import PlaygroundState
from bot.playground.updates import QueuedUpdate

logger = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
IDLE_WAIT_SECONDS: Final = 60.0


@dataclass(frozen=True)
class DeliverySettings:
    """How patiently updates are delivered; the defaults suit a local stand-in."""

    timeout_seconds: float = 30.0
    first_retry_seconds: float = 0.5
    max_retry_seconds: float = 5.0

    def retry_in(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed POST of one update."""
        backoff: float = self.first_retry_seconds * 2.0 ** max(attempts - 1, 0)
        return min(backoff, self.max_retry_seconds)


class WebhookDeliverer:
    """The background task that empties the update queue into the webhook."""

    def __init__(self, state: PlaygroundState, settings: DeliverySettings | None = None) -> None:
        self._state = state
        self._settings = settings or DeliverySettings()
        self._posts: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Deliver until cancelled or the playground closes."""
        timeout = aiohttp.ClientTimeout(total=self._settings.timeout_seconds)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                while not self._state.closing:
                    for update in self._state.delivery.take_deliveries():
                        task = asyncio.create_task(self._post(session, update))
                        self._posts.add(task)
                        task.add_done_callback(self._posts.discard)
                    wait = self._state.delivery.seconds_to_next_delivery()
                    await self._state.updates.signal.wait(
                        IDLE_WAIT_SECONDS if wait is None else max(wait, 0.001)
                    )
            finally:
                for task in list(self._posts):
                    task.cancel()
                for task in list(self._posts):
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    async def _post(self, session: aiohttp.ClientSession, update: QueuedUpdate) -> None:
        webhook = self._state.webhook
        if webhook is None:
            # deleteWebhook came first: the update waits for getUpdates.
            self._state.delivery.delivery_failed(update, "webhook deleted", 0.0)
            return
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        try:
            async with session.post(webhook.url, json=update.payload, headers=headers) as answer:
                status = answer.status
        except TimeoutError:
            self._failed(update, "Read timeout expired")
            return
        except aiohttp.ClientError as error:
            self._failed(update, f"Connection failed: {type(error).__name__}")
            return
        if 200 <= status < 300:
            self._state.delivery.delivered(update)
        else:
            self._failed(update, f"Wrong response from the webhook: {status}")

    def _failed(self, update: QueuedUpdate, message: str) -> None:
        retry_in = self._settings.retry_in(update.attempts)
        logger.info(
            "webhook delivery of update %d failed (%s); retry in %.1fs",
            update.update_id,
            message,
            retry_in,
        )
        self._state.delivery.delivery_failed(update, message, retry_in)
