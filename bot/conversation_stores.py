"""What the conversation engine (bot.conversation) keeps between turns, as protocols with one
in-process implementation: the secret store (the bank's secret box), the pending secure input of
each chat, and the transcript recorder agents read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Final, Protocol

from bot.secure_input import PendingKind
from bot.transcript import TranscriptLine

# A pending secure input older than this is forgotten (the bank restarts idle journeys at 10 min).
DEFAULT_PENDING_TTL_SECONDS: Final = 15 * 60.0


class SecretStore(Protocol):
    """Short-lived, single-use store for secrets; bank.secretbox.SecretBox is the real one."""

    def put(self, *, sender_id: str, kind: str, value: str) -> str:
        """Store a value and return an opaque reference to it."""
        ...

    def take(self, *, ref: str, sender_id: str, kind: str) -> str | None:
        """Return and delete the value behind a reference (None if unknown, expired or used)."""
        ...


class PendingInputStore(Protocol):
    """Remembers, per sender, what the next typed message should be read as: a secret of some
    kind, or a plain number (an amount) that a bare 4- or 6-digit answer then is."""

    async def get(self, sender_id: str) -> PendingKind | None:
        """Return the pending input kind for a sender, if any."""
        ...

    async def set(self, sender_id: str, kind: PendingKind) -> None:
        """Remember that the sender's next message is of this kind."""
        ...

    async def clear(self, sender_id: str) -> None:
        """Forget any pending secure input for the sender."""
        ...


class InMemoryPendingInputStore:
    """PendingInputStore kept in this process, with an expiry so stale secret mode ends."""

    def __init__(
        self,
        *,
        ttl_seconds: float = DEFAULT_PENDING_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._pending: dict[str, tuple[PendingKind, float]] = {}

    async def get(self, sender_id: str) -> PendingKind | None:
        """Return the pending kind for a sender, or None if none or expired."""
        entry = self._pending.get(sender_id)
        if entry is None:
            return None
        kind, expires_at = entry
        if self._clock() >= expires_at:
            del self._pending[sender_id]
            return None
        return kind

    async def set(self, sender_id: str, kind: PendingKind) -> None:
        """Remember a pending kind for a sender, replacing any earlier one."""
        self._pending[sender_id] = (kind, self._clock() + self._ttl)

    async def clear(self, sender_id: str) -> None:
        """Forget the pending kind for a sender."""
        self._pending.pop(sender_id, None)


class TurnRecorder(Protocol):
    """Keeps each chat's transcript for agents (bot.transcript.TranscriptRecorder)."""

    async def record(self, sender_id: str, lines: Sequence[TranscriptLine]) -> None:
        """Keep the lines of one turn, in order; never raises."""
        ...
