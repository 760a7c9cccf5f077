"""The webhook the bot registered, and which queued updates are POSTed to it when.

`delivery.WebhookDeliverer` does the POSTing; this module only keeps the books: what setWebhook
asked for, which updates are in flight or waiting for a retry, and the last failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from bot.playground.errors import JSON
from bot.playground.updates import QueuedUpdate, UpdateQueue

DEFAULT_MAX_CONNECTIONS: Final = 40


@dataclass(frozen=True)
class WebhookConfig:
    """What setWebhook registered: where updates go, the header they carry, how many at once."""

    url: str
    secret_token: str | None = field(default=None, repr=False)
    max_connections: int = DEFAULT_MAX_CONNECTIONS


@dataclass
class WebhookError:
    """The last failed delivery, as getWebhookInfo reports it."""

    date: int
    message: str


class WebhookDelivery:
    """The webhook, if one is set, and the state of the deliveries to it."""

    def __init__(
        self,
        updates: UpdateQueue,
        *,
        hosts: frozenset[str],
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._updates = updates
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self.config: WebhookConfig | None = None
        # Hosts besides loopback addresses that setWebhook may name.
        self.hosts = hosts
        self.error: WebhookError | None = None

    def set(
        self, config: WebhookConfig, *, allowed_updates: list[str] | None, drop_pending: bool
    ) -> None:
        """setWebhook: from now on updates are POSTed (the same call again changes nothing)."""
        self._updates.allow(allowed_updates)
        if drop_pending:
            self._updates.drop_pending()
        if self.config is None or self.config.url != config.url:
            self.error = None
        self.config = config
        self._updates.signal.fire()

    def delete(self, *, drop_pending: bool) -> None:
        """deleteWebhook: back to getUpdates; undelivered updates wait for it unless dropped."""
        self.config = None
        self.error = None
        if drop_pending:
            self._updates.drop_pending()
        for update in self._updates.waiting():
            update.not_before = 0.0
        self._updates.signal.fire()

    def take_deliveries(self) -> list[QueuedUpdate]:
        """Updates to POST now: the due ones among the max_connections lowest undelivered
        update_ids (so with max_connections=1 they go one by one, in order, retries included)."""
        if self.config is None:
            return []
        now = self._monotonic()
        window = sorted(self._updates.waiting(), key=lambda update: update.update_id)
        window = window[: self.config.max_connections]
        taken = [u for u in window if not u.in_flight and u.not_before <= now]
        for update in taken:
            update.in_flight = True
            update.attempts += 1
        return taken

    def delivered(self, update: QueuedUpdate) -> None:
        """The webhook answered 2xx: the update is confirmed."""
        update.in_flight = False
        self._updates.remove(update)

    def delivery_failed(self, update: QueuedUpdate, message: str, retry_in: float) -> None:
        """The webhook failed: keep the update and try again after `retry_in` seconds."""
        update.in_flight = False
        update.not_before = self._monotonic() + retry_in
        if self.config is not None:
            self.error = WebhookError(int(self._wall_clock()), message)
        self._updates.signal.fire()

    def seconds_to_next_delivery(self) -> float | None:
        """How long until a waiting update is due (0 when one is), None when none waits."""
        if self.config is None:
            return None
        waiting = [u.not_before for u in self._updates.waiting() if not u.in_flight]
        if not waiting:
            return None
        return max(min(waiting) - self._monotonic(), 0.0)

    def info(self) -> JSON:
        """getWebhookInfo."""
        info: JSON = {
            "url": self.config.url if self.config is not None else "",
            "has_custom_certificate": False,
            "pending_update_count": self._updates.pending_count,
        }
        if self.config is not None:
            info["max_connections"] = self.config.max_connections
            if self._updates.allowed_updates is not None:
                info["allowed_updates"] = sorted(self._updates.allowed_updates)
        if self.error is not None:
            info["last_error_date"] = self.error.date
            info["last_error_message"] = self.error.message
        return info
