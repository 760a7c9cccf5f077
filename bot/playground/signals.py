"""The wake-up call long-polls wait on: every change to the playground fires one."""

from __future__ import annotations

import asyncio
from typing import Final

MAX_LONG_POLL_SECONDS: Final = 60.0  # the longest a getUpdates or page long-poll waits


class Signal:
    """Wakes every waiter on `fire()`; a waiter that re-checks its condition loses no wake-up."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake the current waiters; later waiters wait for the next fire."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for the next fire, at most `timeout` seconds; True when fired."""
        if timeout <= 0:
            return False
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True
