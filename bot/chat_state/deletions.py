"""Messages to delete later (an activation code shown until it expires), shared by instances.

A deletion is claimed before it is done, so any number of bot instances may work the queue; a
claimed deletion not recorded done is tried again, up to DELETION_ATTEMPTS times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, delete, or_, select, update

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bot.chat_state.tables import ScheduledDeletion

# A scheduled deletion is tried this many times, this long apart (the claim of an instance);
# finished rows are kept this long.
DELETION_ATTEMPTS: Final = 5
DELETION_RETRY: Final = timedelta(minutes=1)
DELETION_TTL: Final = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class DueDeletion:
    """A message whose time to be deleted has come (claimed for DELETION_RETRY)."""

    id: int
    chat_key: str
    message_id: int


class ScheduledDeletions:
    """The queue of messages to delete, per chat."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def schedule(self, chat_key: str, message_id: int, *, after: timedelta) -> None:
        """Remember that a message of the chat must be deleted `after` from now."""
        with unit_of_work(self._sessions) as session:
            session.add(
                ScheduledDeletion(
                    chat_key=chat_key,
                    message_id=message_id,
                    delete_at=self._clock.now() + after,
                    done_at=None,
                    attempts=0,
                )
            )

    def claim_due(self, *, chat_prefix: str = "", limit: int = 20) -> list[DueDeletion]:
        """Claim due deletions of chats whose key starts with `chat_prefix`.

        A claimed deletion not recorded done is claimable again after DELETION_RETRY.
        """
        now = self._clock.now()
        claimed: list[DueDeletion] = []
        with unit_of_work(self._sessions) as session:
            rows = session.execute(
                select(
                    ScheduledDeletion.id,
                    ScheduledDeletion.chat_key,
                    ScheduledDeletion.message_id,
                    ScheduledDeletion.attempts,
                )
                .where(
                    ScheduledDeletion.done_at.is_(None),
                    ScheduledDeletion.delete_at <= now,
                    ScheduledDeletion.attempts < DELETION_ATTEMPTS,
                    ScheduledDeletion.chat_key.startswith(chat_prefix, autoescape=True),
                )
                .order_by(ScheduledDeletion.delete_at)
                .limit(limit)
            ).all()
            for row_id, row_chat, message_id, attempts in rows:
                # Another bot instance may claim the same row: only one UPDATE matches it.
                won = cast(
                    CursorResult[Any],
                    session.execute(
                        update(ScheduledDeletion)
                        .where(
                            ScheduledDeletion.id == row_id,
                            ScheduledDeletion.done_at.is_(None),
                            ScheduledDeletion.delete_at <= now,
                            ScheduledDeletion.attempts == attempts,
                        )
                        .values(
                            delete_at=now + DELETION_RETRY,
                            attempts=ScheduledDeletion.attempts + 1,
                        )
                        .execution_options(synchronize_session=False)
                    ),
                )
                if won.rowcount == 1:
                    claimed.append(DueDeletion(int(row_id), row_chat, int(message_id)))
        return claimed

    def done(self, deletion_id: int) -> None:
        """Record that a claimed message is gone (deleted now, or already)."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                update(ScheduledDeletion)
                .where(ScheduledDeletion.id == deletion_id)
                .values(done_at=self._clock.now())
            )

    def pending(self, chat_key: str) -> list[tuple[int, datetime]]:
        """(message id, when) of the chat's messages still to delete."""
        with unit_of_work(self._sessions) as session:
            rows = session.execute(
                select(ScheduledDeletion.message_id, ScheduledDeletion.delete_at)
                .where(
                    ScheduledDeletion.chat_key == chat_key,
                    ScheduledDeletion.done_at.is_(None),
                )
                .order_by(ScheduledDeletion.delete_at)
            ).all()
            return [(int(message_id), delete_at) for message_id, delete_at in rows]

    def purge(self) -> None:
        """Drop deletions done, or given up, longer than DELETION_TTL ago."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            session.execute(
                delete(ScheduledDeletion)
                .where(
                    or_(
                        ScheduledDeletion.done_at < now - DELETION_TTL,
                        ScheduledDeletion.delete_at < now - DELETION_TTL,
                    )
                )
                .execution_options(synchronize_session=False)
            )
