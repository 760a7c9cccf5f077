"""The child's music preference: off means silent messages and no celebration sounds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank import journey_rows
from bank.db import unit_of_work
from bank.journey_rows import JourneyRows
from bank.mini.family import Child, FamilyService
from bank.mini.outcome import MiniCode
from bank.models import MiniUser
from bank.outcome import Outcome

_SESSIONS = JourneyRows("mini_session")


class MiniMusic(FamilyService):
    """Reads and sets the signed-in child's music preference."""

    def set(self, *, sender_id: str, on: bool) -> Outcome:
        """`ok` (data.music_on) or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            user = _user(session, child.mini_account_id)
            if user is None:
                return Outcome(MiniCode.SIGNED_OUT, None, {"expired": False})
            user.music_on = on
            return Outcome(MiniCode.OK, None, {"music_on": on})

        return self._as_child(sender_id, work)

    def is_on(self, *, sender_id: str) -> Outcome:
        """`ok` (data.music_on) or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            user = _user(session, child.mini_account_id)
            return Outcome(MiniCode.OK, None, {"music_on": user is None or user.music_on})

        return self._as_child(sender_id, work)

    def quiet(self, sender_id: str) -> bool:
        """Whether the channel must send to this chat silently: a signed-in child (session not
        idle) whose music is off. Read-only: it neither extends nor ends the session."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            journey = _SESSIONS.load_active(session, sender_id)
            if journey is None or journey_rows.is_idle(journey, now):
                return False
            account_id = (journey.data or {}).get("mini_account_id")
            if not isinstance(account_id, int):
                return False
            user = _user(session, account_id)
            return user is not None and not user.music_on


def _user(session: Session, mini_account_id: int) -> MiniUser | None:
    return session.scalar(select(MiniUser).where(MiniUser.mini_account_id == mini_account_id))
