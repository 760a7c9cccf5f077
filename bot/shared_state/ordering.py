"""Per-chat update order across bot instances: a Redis queue per chat and a leased chat lock.

What is guaranteed, whichever instance the load balancer gave each update to:
- One at a time: a chat's updates are processed by one instance at a time, under the chat's lock
  in Redis. The lock has a lease (BOT_ORDER_LEASE_SECONDS) that the holder renews every third of
  it while it works; if the instance dies (kill -9) the lease runs out and any other instance
  (woken by a new update of the chat or by its sweep, once a second) takes the chat over.
- Lowest first: the holder always takes the chat's lowest waiting update_id.
- No gaps waited for longer than BOT_ORDER_GAP_WAIT_SECONDS: Telegram numbers updates with
  consecutive ids, and delivers up to max_connections of them concurrently, so update 11 may be
  recorded before update 10. Before processing update N, the holder waits (up to the gap wait)
  until every id between the chat's last processed update and N has been recorded by some
  instance (looking back at most 1 000 ids, and not before the oldest id Redis remembers). So
  an update M < N of the same chat is processed after N only if M is recorded more than the gap
  wait after N became the chat's lowest waiting update (a late update is processed next, never
  dropped). An id that never comes (an update of another kind) costs the wait once per chat.
- Nothing acknowledged is lost: the webhook answers 200 only after the update is recorded in
  Redis, so an instance killed afterwards loses nothing; before that, Telegram retries it.
  (Surviving a Redis crash as well needs Redis's append-only file, appendfsync always.)
  With WEBHOOK_MAX_CONNECTIONS=1 Telegram sends the next update only after this 200, so every
  update is recorded in update_id order and the order is strict without any wait.
- Once: a repeated delivery of an update_id still remembered (the last 100 000) is acknowledged
  and dropped at once; older repeats are stopped by the bank's update-id claim (channel_updates,
  shared by every instance through the database).
- Interrupted updates: an update whose processing had begun in an instance that died (or lost
  its lock) is not processed again (its message may already have reached Rasa, and the bank's
  claim would drop it anyway); it goes to `resume` instead, which for the bot apologises and
  asks the chat's current step again (bot/telegram/shared_ordering.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Final

from redis.exceptions import RedisError

from bot.shared_state.chat_queue import Begun, PendingUpdate, RedisChatQueue

logger = logging.getLogger(__name__)

ProcessUpdate = Callable[[str], Awaitable[None]]

DEFAULT_MAX_CONCURRENT_UPDATES: Final = 64
GAP_POLL_SECONDS: Final = 0.02
MAX_SWEEP_SECONDS: Final = 1.0
REDIS_RETRY_SECONDS: Final = 0.5


class SharedChatOrdering:
    """Records received updates in Redis and processes each chat's updates in order, once."""

    def __init__(
        self,
        queue: RedisChatQueue,
        process: ProcessUpdate,
        *,
        lease_seconds: float,
        gap_wait_seconds: float,
        resume: ProcessUpdate | None = None,
        max_concurrent_updates: int = DEFAULT_MAX_CONCURRENT_UPDATES,
    ) -> None:
        """`process` handles an update; `resume` one whose processing was interrupted (by
        default it is processed again)."""
        self._queue = queue
        self._process = process
        self._resume = resume or process
        self._lease_ms = max(int(lease_seconds * 1000), 1)
        self._renew_every = lease_seconds / 3
        self._gap_wait = gap_wait_seconds
        self._sweep_every = min(MAX_SWEEP_SECONDS, lease_seconds / 3)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._drains: dict[int, asyncio.Task[None]] = {}
        self._wake_again: set[int] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    async def receive(self, chat_id: int, update_id: int, payload: str) -> bool:
        """Record an update (raises RedisError when Redis cannot take it); False for a repeat.

        Once this returns the update is in Redis: it will be processed even if this instance
        dies now.
        """
        first = await self._queue.record(chat_id, update_id, payload)
        if first:
            self.wake(chat_id)
        else:
            logger.info("ignored repeated update %d", update_id)
        return first

    def wake(self, chat_id: int) -> None:
        """Make sure this instance tries to work on the chat (another may already hold it)."""
        if self._stopping:
            return
        if chat_id in self._drains:
            self._wake_again.add(chat_id)
            return
        task = asyncio.create_task(self._drain(chat_id))
        self._drains[chat_id] = task

    def start(self) -> None:
        """Start the sweep that adopts chats left by a dead instance."""
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep())

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Finish the updates being processed (at most `grace_seconds`), then stop; what waits
        stays in Redis for the other instances."""
        self._stopping = True
        tasks = [task for task in (self._sweeper, *self._drains.values()) if task is not None]
        if self._sweeper is not None:
            self._sweeper.cancel()
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _sweep(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self._sweep_every)
            try:
                chats = await self._queue.chats_with_pending()
            except RedisError as exc:
                logger.warning("shared state unreachable (%s)", type(exc).__name__)
                continue
            for chat_id in chats:
                if chat_id not in self._drains:
                    self.wake(chat_id)

    async def _drain(self, chat_id: int) -> None:
        try:
            while not self._stopping:
                self._wake_again.discard(chat_id)
                try:
                    # When the lock was free, re-check after releasing it, so that an update
                    # recorded just before the release is not left waiting.
                    if await self._hold_and_process(chat_id) and await self._queue.has_pending(
                        chat_id
                    ):
                        continue
                except RedisError as exc:
                    logger.warning("shared state unreachable (%s)", type(exc).__name__)
                    await asyncio.sleep(REDIS_RETRY_SECONDS)
                    continue
                except Exception:
                    # Not expected; the chat is left to the sweep rather than spun on.
                    logger.exception("working on a chat failed")
                    return
                if chat_id not in self._wake_again:
                    return
        finally:
            self._drains.pop(chat_id, None)
            self._wake_again.discard(chat_id)

    async def _hold_and_process(self, chat_id: int) -> bool:
        """Process the chat's waiting updates under its lock; False when another instance holds
        the lock (it will see what was recorded before it releases)."""
        token = secrets.token_hex(16)
        if not await self._queue.acquire(chat_id, token, self._lease_ms):
            return False
        lost = asyncio.Event()
        renewer = asyncio.create_task(self._keep_lease(chat_id, token, lost))
        try:
            while not self._stopping and not lost.is_set():
                update = await self._next_update(chat_id)
                if update is None:
                    break
                begun = await self._queue.begin(chat_id, token, update.update_id)
                if begun is Begun.LOCK_LOST:
                    break
                if begun is Begun.INTERRUPTED:
                    logger.warning(
                        "update %d was interrupted in another instance", update.update_id
                    )
                await self._run(
                    update, self._resume if begun is Begun.INTERRUPTED else self._process
                )
                if not await self._queue.complete(chat_id, token, update.update_id):
                    logger.warning("lost the lock of a chat while processing an update")
                    break
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            with contextlib.suppress(RedisError):
                await self._queue.release(chat_id, token)
        return True

    async def _next_update(self, chat_id: int) -> PendingUpdate | None:
        """The chat's lowest waiting update, once earlier ids came or the gap wait ran out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._gap_wait
        while True:
            update = await self._queue.lowest(chat_id)
            if update is None or loop.time() >= deadline or self._stopping:
                return update
            if not await self._queue.earlier_ids_missing(chat_id, update.update_id):
                # An earlier update recorded between the two reads is now the lowest.
                again = await self._queue.lowest(chat_id)
                if again is None or again.update_id == update.update_id:
                    return update
                continue
            await asyncio.sleep(GAP_POLL_SECONDS)

    async def _run(self, update: PendingUpdate, handle: ProcessUpdate) -> None:
        if not update.payload:
            logger.warning("update %d has no recorded body; skipped", update.update_id)
            return
        async with self._slots:
            try:
                await handle(update.payload)
            except Exception:
                # One bad update must not block its chat: it counts as processed.
                logger.exception("update %d failed", update.update_id)

    async def _keep_lease(self, chat_id: int, token: str, lost: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(self._renew_every)
            try:
                still_ours = await self._queue.renew(chat_id, token, self._lease_ms)
            except RedisError as exc:
                logger.warning("could not renew a chat lock (%s)", type(exc).__name__)
                continue
            if not still_ours:
                lost.set()
                return
