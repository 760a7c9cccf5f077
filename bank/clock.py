"""Injectable time source: naive UTC datetimes everywhere in the bank."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Protocol
from zoneinfo import ZoneInfo

# The bank's calendar and the times agents read: Ecuador's (no daylight saving time).
ECUADOR: Final = ZoneInfo("America/Guayaquil")


def ecuador_time(moment: datetime) -> datetime:
    """A naive UTC moment as Ecuador's wall-clock time (naive)."""
    return moment.replace(tzinfo=UTC).astimezone(ECUADOR).replace(tzinfo=None)


def ecuador_day(moment: datetime) -> date:
    """The Ecuador calendar day of a naive UTC moment."""
    return ecuador_time(moment).date()


def ecuador_clock_time(iso: object) -> str:
    """A naive UTC ISO time (as outcome data carry it) as "HH:MM" in Ecuador; "" when there is
    none or it is not a time."""
    if not isinstance(iso, str) or not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return ecuador_time(moment).strftime("%H:%M")


def ecuador_day_start(moment: datetime) -> datetime:
    """The start (naive UTC) of the Ecuador calendar day that contains `moment` (naive UTC)."""
    midnight = datetime.combine(ecuador_time(moment).date(), time(), tzinfo=ECUADOR)
    return midnight.astimezone(UTC).replace(tzinfo=None)


class Clock(Protocol):
    """Anything that tells the current time as a naive UTC datetime."""

    def now(self) -> datetime:
        """Return the current time (naive, UTC)."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the current UTC time without tzinfo."""
        return datetime.now(UTC).replace(tzinfo=None)


class FixedClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 15, 12, 0, 0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the fixed time."""
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (naive UTC)."""
        with self._lock:
            self._now = moment

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        seconds: float = 0,
        minutes: float = 0,
        hours: float = 0,
    ) -> datetime:
        """Move forward by `delta` and/or the given units; return the new time."""
        step = (delta or timedelta()) + timedelta(seconds=seconds, minutes=minutes, hours=hours)
        with self._lock:
            self._now += step
            return self._now
