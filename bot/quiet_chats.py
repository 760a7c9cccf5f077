"""Which chats want no sound: a child who turned the Cuenta Mini music off.

The bank's `bank.mini.music.MiniMusic` knows; the bot asks it off the event loop, once per turn
or notice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class QuietChats(Protocol):
    """Which chats want no sound; `bank.mini.music.MiniMusic` is the real one (synchronous)."""

    def quiet(self, sender_id: str) -> bool:
        """True when the chat's messages must arrive silently and celebrations be left out."""
        ...


class AsyncQuietChats:
    """QuietChats off the event loop; a failed look-up counts as "not quiet" and is logged."""

    def __init__(self, chats: QuietChats) -> None:
        self._chats = chats

    async def quiet(self, sender_id: str) -> bool:
        """Whether the chat is quiet; asked once per turn or notice, not per message."""
        try:
            return await asyncio.to_thread(self._chats.quiet, sender_id)
        except Exception as exc:
            # Sound is the default everywhere else, and a voice note never plays by itself.
            logger.warning("could not tell whether a chat is quiet (%s)", type(exc).__name__)
            return False
