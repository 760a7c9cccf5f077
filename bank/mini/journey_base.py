"""What the Cuenta Mini journeys share: the call context and the start/touch/step/cancel rules.

Every call runs its own unit of work on the journey row (locked), restarts a journey idle for 10
minutes at its first step, and answers `wrong_step` without changing anything when the journey is
not at a step the call is for. A call that needs another bank service (whose calls are units of
work of their own) is split: `_peek` checks the step and copies what the service needs, the
service runs, and `_apply` writes the result only if the journey is still where it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bank import journey_rows
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.journey_context import JourneyRowContext
from bank.journey_rows import JourneyRows
from bank.mini.outcome import MiniCode
from bank.models import CANCELLED, Journey
from bank.outcome import Outcome

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Fresh:
    """Where a journey (re)starts: its first step and the data it starts with."""

    step: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """A journey as `_peek` saw it: `_apply` acts only if it is still at the same step."""

    journey_id: int
    step: str
    data: Mapping[str, Any]


@dataclass
class JourneyContext(JourneyRowContext):
    """One Cuenta Mini call's view of its journey, inside its unit of work."""

    def close(self, status: str) -> None:
        """End the journey (completed, ended or cancelled)."""
        journey_rows.close(self.journey, status=status, now=self.now)

    def outcome(self, code: MiniCode, *, secret: str | None = None, **data: Any) -> Outcome:
        """An outcome at the journey's current step."""
        return Outcome(code=code, step=self.step, data=dict(data), secret=secret)

    def snapshot(self) -> Snapshot:
        """A copy of the journey's id, step and data for `_apply`."""
        return Snapshot(self.journey.id, self.step, dict(self.journey.data))


class JourneyService:
    """Start, touch, current step and cancel of one kind of journey, plus the call plumbing."""

    def __init__(self, *, rows: JourneyRows, session_factory: SessionFactory, clock: Clock):
        self._rows = rows
        self._sessions = session_factory
        self._clock = clock

    @property
    def kind(self) -> str:
        """The journeys' kind."""
        return self._rows.kind

    # Lifecycle ----------------------------------------------------------------------------

    def start(self, *, sender_id: str) -> Outcome:
        """Open a journey (`started`, also when an idle one restarts) or continue it (`resumed`)."""
        fresh = self._fresh(sender_id)
        with unit_of_work(self._sessions) as session:
            ctx, code = self._open(session, sender_id, fresh)
            return ctx.outcome(code)

    def touch(self, *, sender_id: str) -> Outcome:
        """Mark activity: `active`, `restarted_inactive` after 10 idle minutes, or `none`."""
        fresh = self._fresh(sender_id)
        with unit_of_work(self._sessions) as session:
            journey = self._rows.load_active(session, sender_id)
            if journey is None:
                return Outcome(MiniCode.NONE, self._last_step(session, sender_id))
            ctx = self._context(session, journey)
            if journey_rows.is_idle(journey, ctx.now):
                self._restart(ctx, fresh)
                return ctx.outcome(MiniCode.RESTARTED_INACTIVE)
            journey.last_activity_at = ctx.now
            return ctx.outcome(MiniCode.ACTIVE)

    def current_step(self, *, sender_id: str) -> str | None:
        """The step of the sender's latest journey (an idle one counts as back at the start)."""
        with unit_of_work(self._sessions) as session:
            journey = self._rows.load_latest(session, sender_id)
            if journey is None:
                return None
            idle = journey.active_key is not None and journey_rows.is_idle(
                journey, self._clock.now()
            )
            step = journey.step
        return self._fresh(sender_id).step if idle else step

    def cancel(self, *, sender_id: str) -> Outcome:
        """Cancel the active journey (`cancelled`), or `none` when there is none."""
        with unit_of_work(self._sessions) as session:
            journey = self._rows.load_active(session, sender_id)
            if journey is None:
                return Outcome(MiniCode.NONE, self._last_step(session, sender_id))
            ctx = self._context(session, journey)
            ctx.close(CANCELLED)
            ctx.audit(f"{self.kind}.cancelled")
            return ctx.outcome(MiniCode.CANCELLED)

    # Plumbing -----------------------------------------------------------------------------

    def _fresh(self, sender_id: str) -> Fresh:
        """Where this sender's journey starts (a service call may decide: never inside a UoW)."""
        raise NotImplementedError

    def _open(
        self, session: Session, sender_id: str, fresh: Fresh
    ) -> tuple[JourneyContext, MiniCode]:
        """The sender's active journey, opened (`started`) or continued (`resumed`)."""
        journey = self._rows.load_active(session, sender_id)
        if journey is None:
            now = self._clock.now()
            created = self._rows.create(
                session, sender_id, step=fresh.step, data=fresh.data, now=now
            )
            if created is not None:
                ctx = self._context(session, created)
                ctx.audit(f"{self.kind}.started")
                return ctx, MiniCode.STARTED
            journey = self._rows.load_active(session, sender_id)
            assert journey is not None, "the journey another request opened"
        ctx = self._context(session, journey)
        if journey_rows.is_idle(journey, ctx.now):
            self._restart(ctx, fresh)
            return ctx, MiniCode.STARTED
        journey.last_activity_at = ctx.now
        return ctx, MiniCode.RESUMED

    def _run(
        self,
        sender_id: str,
        steps: Collection[str],
        handler: Callable[[JourneyContext], T],
        *,
        fresh: Fresh | None = None,
    ) -> Outcome | T:
        """Load the active journey, apply the idle rule, check the step, then handle."""
        fresh = fresh or self._fresh(sender_id)
        with unit_of_work(self._sessions) as session:
            journey = self._rows.load_active(session, sender_id)
            if journey is None:
                return Outcome(MiniCode.WRONG_STEP, self._last_step(session, sender_id))
            ctx = self._context(session, journey)
            if journey_rows.is_idle(journey, ctx.now):
                self._restart(ctx, fresh)
                if fresh.step not in steps:
                    return ctx.outcome(MiniCode.RESTARTED_INACTIVE)
            if ctx.step not in steps:
                return ctx.outcome(MiniCode.WRONG_STEP)
            journey.last_activity_at = ctx.now
            result = handler(ctx)
            if isinstance(result, Outcome):
                logger.info("%s %s: %s (%s)", self.kind, journey.id, result.step, result.code)
            return result

    def _peek(
        self, sender_id: str, steps: Collection[str], *, fresh: Fresh | None = None
    ) -> Outcome | Snapshot:
        """The journey's snapshot when it is at one of `steps`, else the refusal."""
        return self._run(sender_id, steps, JourneyContext.snapshot, fresh=fresh)

    def _apply(
        self,
        sender_id: str,
        snapshot: Snapshot,
        handler: Callable[[JourneyContext], Outcome],
    ) -> Outcome:
        """Handle only if the journey `_peek` saw is still active and at the same step."""
        with unit_of_work(self._sessions) as session:
            journey = self._rows.load_active(session, sender_id)
            if journey is None:
                return Outcome(MiniCode.WRONG_STEP, self._last_step(session, sender_id))
            ctx = self._context(session, journey)
            if journey.id != snapshot.journey_id or journey.step != snapshot.step:
                return ctx.outcome(MiniCode.WRONG_STEP)
            journey.last_activity_at = ctx.now
            outcome = handler(ctx)
            logger.info("%s %s: %s (%s)", self.kind, journey.id, outcome.step, outcome.code)
            return outcome

    def _context(self, session: Session, journey: Journey) -> JourneyContext:
        return JourneyContext(session=session, journey=journey, now=self._clock.now())

    def _restart(self, ctx: JourneyContext, fresh: Fresh) -> None:
        journey_rows.restart(ctx.journey, step=fresh.step, data=fresh.data, now=ctx.now)
        ctx.audit(f"{self.kind}.restarted_inactive")

    def _last_step(self, session: Session, sender_id: str) -> str | None:
        latest = self._rows.load_latest(session, sender_id)
        return latest.step if latest is not None else None
