"""Media cache: the platform's file id of a picture uploaded before, so it is not sent again."""

from __future__ import annotations

from sqlalchemy import delete

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bot.chat_state.tables import ChannelMedia


class MediaCache:
    """File ids by (bot, our cache key); the latest upload wins."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def file_id(self, bot_id: str, cache_key: str) -> str | None:
        """The platform's file id of a picture uploaded before, if any."""
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelMedia, (bot_id, cache_key))
            return None if row is None else row.file_id

    def remember(self, bot_id: str, cache_key: str, file_id: str) -> None:
        """Remember a picture's file id (the latest upload wins)."""
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelMedia, (bot_id, cache_key))
            if row is None:
                session.add(
                    ChannelMedia(
                        bot_id=bot_id,
                        cache_key=cache_key,
                        file_id=file_id,
                        created_at=self._clock.now(),
                    )
                )
            else:
                row.file_id = file_id

    def forget(self, bot_id: str, cache_key: str) -> None:
        """Drop a file id the platform no longer accepts."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                delete(ChannelMedia).where(
                    ChannelMedia.bot_id == bot_id, ChannelMedia.cache_key == cache_key
                )
            )
