"""The updates waiting for the bot: numbered, kept for redelivery, confirmed by offset or POST."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from bot.playground.errors import JSON, PageError
from bot.playground.signals import Signal
from bot.playground.stats import Stats

MAX_UPDATE_HISTORY: Final = 10_000  # updates kept for redelivery
# Update types the playground produces; Telegram's default `allowed_updates` includes both.
UPDATE_KINDS: Final = ("message", "callback_query")


@dataclass
class QueuedUpdate:
    """An update waiting for the bot; a redelivered one skips the offset until delivered.

    With a webhook set, `in_flight` marks a POST under way and `not_before` (monotonic seconds)
    delays the retry after a failed one.
    """

    update_id: int
    kind: str
    payload: JSON
    redelivery: bool = False
    in_flight: bool = False
    attempts: int = 0
    not_before: float = 0.0


def random_first_update_id() -> int:
    """Telegram starts a fresh update sequence at a random number; so does each playground run.

    The bot remembers processed update ids in its database: restarting the playground at 1 would
    make it drop the new updates as duplicates.
    """
    return 100_000_000 + secrets.randbelow(800_000_000)


class UpdateQueue:
    """The unconfirmed updates, in the order they were made; `signal` fires on every change."""

    def __init__(self, stats: Stats, *, first_update_id: int | None = None) -> None:
        self._stats = stats
        self._next_update_id = (
            random_first_update_id() if first_update_id is None else first_update_id
        )
        self._queue: list[QueuedUpdate] = []
        self._history: dict[int, QueuedUpdate] = {}
        self.allowed_updates: frozenset[str] | None = None
        self.signal = Signal()

    def add(self, kind: str, body: JSON) -> int | None:
        """Queue a new update of this kind; its update_id, or None when the bot does not want it."""
        if self.allowed_updates is not None and kind not in self.allowed_updates:
            return None
        update_id = self._next_update_id
        self._next_update_id += 1
        update = QueuedUpdate(update_id, kind, {"update_id": update_id, kind: body})
        self._history[update_id] = update
        if len(self._history) > MAX_UPDATE_HISTORY:
            del self._history[next(iter(self._history))]
        self._queue.append(update)
        self._stats.updates_queued += 1
        self.signal.fire()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an update again with the same update_id, as Telegram does after a lost ack."""
        original = self._history.get(update_id)
        if original is None:
            raise PageError(404, "no such update")
        self._queue.append(
            QueuedUpdate(update_id, original.kind, original.payload, redelivery=True)
        )
        self._stats.updates_queued += 1
        self.signal.fire()

    def allow(self, allowed_updates: list[str] | None) -> None:
        """The `allowed_updates` of getUpdates or setWebhook: None keeps, [] resets to all."""
        if allowed_updates is not None:
            self.allowed_updates = frozenset(allowed_updates) or None

    def confirm(self, offset: int) -> None:
        """getUpdates' `offset`: forget the updates it confirms (a negative one keeps the last)."""
        if offset < 0:
            self._queue = self._queue[offset:]
        elif offset > 0:
            self._queue = [u for u in self._queue if u.redelivery or u.update_id >= offset]

    def batch(self, limit: int) -> list[QueuedUpdate]:
        """The next `limit` updates for getUpdates."""
        # Redelivered updates first: PTB takes the next offset from the last update it gets.
        ordered = sorted(self._queue, key=lambda u: (not u.redelivery, u.update_id))
        return ordered[:limit]

    def waiting(self) -> list[QueuedUpdate]:
        """Every unconfirmed update, in queue order."""
        return list(self._queue)

    def remove(self, update: QueuedUpdate) -> None:
        """A webhook confirmed this update."""
        self._queue = [queued for queued in self._queue if queued is not update]
        self.signal.fire()

    def drop_pending(self) -> None:
        """drop_pending_updates of setWebhook and deleteWebhook."""
        self._queue.clear()

    @property
    def pending_count(self) -> int:
        """Updates not yet confirmed."""
        return len(self._queue)
