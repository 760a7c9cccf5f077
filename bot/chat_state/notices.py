"""One-time notices: a hint shown once per chat (for example how secret input works)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bot.chat_state.tables import ChannelNotice


class ShownNotices:
    """Which one-time notices each chat has seen."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def first(self, chat_key: str, notice: str) -> bool:
        """True the first time a notice is shown in a chat, False ever after."""
        try:
            with unit_of_work(self._sessions) as session:
                session.add(
                    ChannelNotice(chat_key=chat_key, notice=notice, shown_at=self._clock.now())
                )
        except IntegrityError:
            return False
        return True
