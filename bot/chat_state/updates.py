"""Update de-duplication: an update id Telegram delivers twice is handled once."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bot.chat_state.tables import ChannelUpdate

UPDATE_ID_TTL: Final = timedelta(days=2)


class HandledUpdates:
    """The update ids already handled, per bot; kept UPDATE_ID_TTL."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def claim(self, bot_id: str, update_id: int) -> bool:
        """Record an update id; False when it was already handled (a repeated delivery)."""
        try:
            with unit_of_work(self._sessions) as session:
                session.add(
                    ChannelUpdate(bot_id=bot_id, update_id=update_id, received_at=self._clock.now())
                )
        except IntegrityError:
            return False
        return True

    def purge(self) -> None:
        """Forget update ids older than UPDATE_ID_TTL (Telegram never repeats those)."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                delete(ChannelUpdate)
                .where(ChannelUpdate.received_at < self._clock.now() - UPDATE_ID_TTL)
                .execution_options(synchronize_session=False)
            )
