"""What the funnel is computed from and what it reports: plain, frozen values with no personal
data (no sender id, identity, name or message; a chat is only a number local to one report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class EventKind(StrEnum):
    """Something that happened to a journey at a step, counted per step."""

    LOCK = "lock"
    EXPIRED_CODE = "expired_code"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Trace:
    """One journey: when it started, how it stands, and the steps it entered, oldest first.

    `chat` links the journeys of one chat inside a report (to tell "finished after a lock");
    it is a number the query gives, never the sender id.
    """

    journey_id: int
    chat: int
    started_at: datetime
    status: str
    last_activity_at: datetime
    entries: tuple[tuple[str, datetime], ...]


@dataclass(frozen=True)
class Event:
    """A lock, an expired code or an agent hand-off of a journey, at `step` as it was recorded
    (a terminal step such as `ended` is read as the step the journey ended at)."""

    journey_id: int
    kind: EventKind
    step: str
    at: datetime


@dataclass(frozen=True)
class Period:
    """Ecuador calendar days [since, until): `until` is not included."""

    since: date
    until: date

    def __post_init__(self) -> None:
        if self.until <= self.since:
            raise ValueError("the period must end after it starts")

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.until - self.since).days


@dataclass(frozen=True)
class StepFigures:
    """One step of the funnel."""

    step: str
    reached: int
    left: int
    median_seconds: float | None
    locks: int
    expired_codes: int
    handoffs: int


@dataclass(frozen=True)
class DayFigures:
    """One Ecuador day of the time series."""

    day: date
    started: int
    finished: int


@dataclass(frozen=True)
class Outcomes:
    """How the journeys that started in the period stand now."""

    finished: int
    cancelled: int
    ended: int
    abandoned: int
    in_progress: int
    finished_after_lock: int
    finished_after_handoff: int

    @property
    def left(self) -> int:
        """Journeys that are over without finishing."""
        return self.cancelled + self.ended + self.abandoned


@dataclass(frozen=True)
class FunnelReport:
    """The funnel of one journey kind for a period (journeys that started in it)."""

    journey: str
    period: Period
    started: int
    outcomes: Outcomes
    median_seconds_to_finish: float | None
    steps: tuple[StepFigures, ...]
    days: tuple[DayFigures, ...]

    @property
    def finished(self) -> int:
        """Journeys that finished."""
        return self.outcomes.finished

    @property
    def locks(self) -> int:
        """Locks at every step."""
        return sum(step.locks for step in self.steps)

    @property
    def expired_codes(self) -> int:
        """Expired codes typed at every step."""
        return sum(step.expired_codes for step in self.steps)

    @property
    def handoffs(self) -> int:
        """Agent hand-offs (tickets) at every step."""
        return sum(step.handoffs for step in self.steps)
