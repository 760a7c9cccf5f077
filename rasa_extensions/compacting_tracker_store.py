"""Rasa's SQL tracker store that keeps each conversation's live session short.

Every turn Rasa loads the events of the conversation's current session, replays them, and its
policies compute a state for every past turn: a turn costs more the longer the session is
(docs/performance.md: about 5.5 times more at turn 400 than at turn 10). Rasa already keeps
sessions apart: it loads only the events since the latest `session_started`, and a new session
carries the slots over (`carry_over_slots_to_new_session: true` in domain/shared.yml).

This store starts that new session itself once the current one holds more than
`compact_after_events` events, at a quiet point only: the turn has ended (the last event is
`action_listen`) and no form is active, so no journey step, rule or question in progress is cut.
The events appended are exactly those of Rasa's own `action_session_start` with carried-over
slots (ActionExecuted(action_session_start), SessionStarted, a SlotSet per slot that differs from
its initial value, ActionExecuted(action_listen)); every earlier event stays in the table
(`retrieve_full_tracker`, retention and audits see the whole conversation).

On SQLite (`make run`) it also puts the file in WAL mode with `synchronous=NORMAL` and keeps its
connections open: Rasa's store commits every turn on the server's event loop, and with SQLite's
defaults each commit waited for an fsync, and each turn opened and closed a connection (closing
checkpoints the WAL), while every other conversation waited (10 % of the Rasa server's samples
under 20 conversations). A crash of the process loses nothing; a power cut may lose the last
turns of the conversation log, never the bank's data (the bank has its own database and
settings). PostgreSQL is left as configured.

Configured in endpoints.yml:

    tracker_store:
      type: rasa_extensions.compacting_tracker_store.CompactingSQLTrackerStore
      dialect: sqlite            # or postgresql, with url/port/db/username as for type: SQL
      db: var/rasa_tracker.db
      compact_after_events: 200
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy
import sqlalchemy.orm
import sqlalchemy.pool
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_COMPACT_AFTER_EVENTS = 200


def events_in_session(tracker: DialogueStateTracker) -> int:
    """How many of the tracker's events belong to its latest session."""
    count = 0
    for past in reversed(tracker.events):
        if isinstance(past, SessionStarted):
            break
        count += 1
    return count


def at_quiet_point(tracker: DialogueStateTracker) -> bool:
    """The turn is over, no form is active and nothing is queued to run next."""
    return (
        tracker.latest_action_name == ACTION_LISTEN_NAME
        and not tracker.active_loop_name
        and tracker.followup_action is None
        and not tracker.is_paused()
    )


def new_session_events(tracker: DialogueStateTracker) -> list[Event]:
    """What Rasa's `action_session_start` appends, carrying over every slot that was set.

    The events are only built here: `start_new_session` stamps them in order when it appends
    them. Rasa loads a session as the events stamped at or after its `session_started`, so a
    carried slot stamped before it (when it was built) would be lost at the next load.
    """
    carried = [
        SlotSet(name, slot.value)
        for name, slot in tracker.slots.items()
        if slot.value != slot.initial_value
    ]
    return [
        ActionExecuted(ACTION_SESSION_START_NAME),
        SessionStarted(),
        *carried,
        ActionExecuted(ACTION_LISTEN_NAME),
    ]


def start_new_session(tracker: DialogueStateTracker) -> None:
    """Append a new session's events to `tracker`, each stamped now, in order (as Rasa does
    with an action's events), so the session's carried slots load with it."""
    tracker.update_with_events(new_session_events(tracker), None, override_timestamp=True)


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: write-ahead log, fsync at checkpoints only, and wait for a lock, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


class CompactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that starts a new session (slots carried over) when one grows long."""

    def __init__(
        self, *args: Any, compact_after_events: int = DEFAULT_COMPACT_AFTER_EVENTS, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.compact_after_events = int(compact_after_events)
        if self.compact_after_events < 10:
            raise ValueError("compact_after_events must be at least 10")
        if self.engine.dialect.name == "sqlite":
            self._keep_sqlite_connections()

    def _keep_sqlite_connections(self) -> None:
        """Reuse SQLite connections (WAL, no fsync per commit) instead of one per turn.

        SQLAlchemy 1.4 opens and closes a new connection to a SQLite file for every session,
        and closing the last connection of a WAL database checkpoints it (an fsync).
        """
        url = self.engine.url
        self.engine.dispose()
        self.engine = sqlalchemy.create_engine(
            url,
            poolclass=sqlalchemy.pool.QueuePool,
            pool_size=2,
            connect_args={"check_same_thread": False},
        )
        sqlalchemy.event.listen(self.engine, "connect", _write_ahead_log)
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events; then, if the session is long and quiet, start a new one."""
        await super().save(tracker)
        if events_in_session(tracker) > self.compact_after_events and at_quiet_point(tracker):
            start_new_session(tracker)
            await super().save(tracker)
            logger.debug("conversation continued in a new session (slots carried over)")
