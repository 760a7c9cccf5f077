"""Update processing: chats in parallel, each chat strictly in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseUpdateProcessor

DEFAULT_MAX_CONCURRENT_UPDATES: Final = 64
# Updates held (running or waiting for their chat's turn) per running slot.
QUEUED_PER_SLOT: Final = 16


def update_chat_id(update: object) -> int | None:
    """The chat an update belongs to (None for updates without a chat)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Processes updates of different chats concurrently and those of one chat one at a time.

    The locks live in this process, which is enough for one instance (polling, or a single
    webhook server). Several webhook instances share their per-chat order through Redis
    instead (BOT_SHARED_STATE_URL, bot/shared_state/ordering.py).
    """

    def __init__(self, max_concurrent_updates: int = DEFAULT_MAX_CONCURRENT_UPDATES) -> None:
        # python-telegram-bot's semaphore is taken before do_process_update, so waiting for the
        # chat under it would let one chat's queued updates (someone typing on while Rasa is
        # down) hold every slot and stall all other chats. It only bounds the updates held in
        # memory here; the running handlers are bounded by our own slots, taken once the chat's
        # turn has come: a waiting chat holds no slot.
        super().__init__(max_concurrent_updates * QUEUED_PER_SLOT)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers once the chat's earlier updates are done and a slot is free."""
        chat_id = update_chat_id(update)
        if chat_id is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[chat_id] -= 1
            if self._waiting[chat_id] == 0:
                # Forget idle chats so the map does not grow with every chat ever seen.
                del self._waiting[chat_id]
                del self._locks[chat_id]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
