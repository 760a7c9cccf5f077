"""Pending input: the kind a chat's next typed message is read as (a secret kind, or "number")."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from sqlalchemy import delete

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bot.chat_state.tables import ChannelPendingInput

PENDING_INPUT_TTL: Final = timedelta(minutes=15)


class PendingInputs:
    """Each chat's pending input kind; it expires after PENDING_INPUT_TTL."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def get(self, chat_key: str) -> str | None:
        """The kind the chat's next message is read as, or None (none or expired)."""
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelPendingInput, chat_key)
            if row is None:
                return None
            if row.expires_at <= self._clock.now():
                session.delete(row)
                return None
            return row.kind

    def set(self, chat_key: str, kind: str) -> None:
        """Remember that the chat's next message is of this kind."""
        expires_at = self._clock.now() + PENDING_INPUT_TTL
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelPendingInput, chat_key)
            if row is None:
                session.add(
                    ChannelPendingInput(chat_key=chat_key, kind=kind, expires_at=expires_at)
                )
            else:
                row.kind, row.expires_at = kind, expires_at

    def clear(self, chat_key: str) -> None:
        """Forget any pending input of the chat."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                delete(ChannelPendingInput).where(ChannelPendingInput.chat_key == chat_key)
            )
