"""Identity locks: consecutive failures, 30-minute locks, held for an agent, OTP blocks.

Functions take the caller's session so the counters change in the same unit of work as the
journey. Rows are read FOR UPDATE (a no-op on SQLite, where writers are serialised anyway).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.models import IdentityGuard, IdentityLockEvent

MAX_CONSECUTIVE_FAILURES = 3
LOCK_DURATION = timedelta(minutes=30)
HOLD_WINDOW = timedelta(hours=24)
LOCKS_BEFORE_HOLD = 3
OTP_BLOCK_DURATION = timedelta(minutes=30)


@dataclass(frozen=True)
class LockStatus:
    """Whether an identity may try now: `open`, `locked` (with minutes left) or `held`."""

    state: str
    minutes: int = 0

    @property
    def is_open(self) -> bool:
        """True when the identity may be tried."""
        return self.state == "open"


@dataclass(frozen=True)
class FailureResult:
    """After a failure: attempts left, or the lock it caused."""

    attempts_left: int
    lock: LockStatus


OPEN = LockStatus("open")


def minutes_until(moment: datetime, now: datetime) -> int:
    """Whole minutes from `now` to `moment`, rounded up (at least 1)."""
    return max(1, math.ceil((moment - now).total_seconds() / 60))


def load_guard(session: Session, identity_key: str) -> IdentityGuard | None:
    """The guard row of `identity_key`, locked for this transaction, or None."""
    return session.get(IdentityGuard, identity_key, with_for_update=True, populate_existing=True)


def load_or_create_guard(session: Session, identity_key: str, now: datetime) -> IdentityGuard:
    """The guard row of `identity_key`, created when missing (safe against a concurrent insert)."""
    guard = load_guard(session, identity_key)
    if guard is not None:
        return guard
    try:
        with session.begin_nested():
            guard = IdentityGuard(
                identity_key=identity_key,
                consecutive_failures=0,
                held_for_agent=False,
                updated_at=now,
            )
            session.add(guard)
    except IntegrityError:
        existing = load_guard(session, identity_key)
        assert existing is not None
        return existing
    return guard


def lock_status(guard: IdentityGuard | None, now: datetime) -> LockStatus:
    """Whether the identity is open, locked for a while, or held until an agent unlocks it."""
    if guard is None:
        return OPEN
    if guard.held_for_agent:
        return LockStatus("held")
    if guard.locked_until is not None and guard.locked_until > now:
        return LockStatus("locked", minutes_until(guard.locked_until, now))
    return OPEN


def record_failure(session: Session, guard: IdentityGuard, now: datetime) -> FailureResult:
    """Count one failed try; the third in a row locks, the third lock in 24 hours holds."""
    guard.consecutive_failures += 1
    guard.updated_at = now
    left = MAX_CONSECUTIVE_FAILURES - guard.consecutive_failures
    if left > 0:
        return FailureResult(attempts_left=left, lock=OPEN)
    guard.consecutive_failures = 0
    guard.locked_until = now + LOCK_DURATION
    held = recent_lock_count(session, guard, now) + 1 >= LOCKS_BEFORE_HOLD
    guard.held_for_agent = held
    session.add(IdentityLockEvent(identity_key=guard.identity_key, locked_at=now, held=held))
    if held:
        return FailureResult(attempts_left=0, lock=LockStatus("held"))
    return FailureResult(
        attempts_left=0, lock=LockStatus("locked", minutes_until(guard.locked_until, now))
    )


def recent_lock_count(session: Session, guard: IdentityGuard, now: datetime) -> int:
    """Locks of this identity in the last 24 hours (since an agent's reset, if later)."""
    since = now - HOLD_WINDOW
    if guard.history_reset_at is not None and guard.history_reset_at > since:
        since = guard.history_reset_at
    count = session.scalar(
        select(func.count())
        .select_from(IdentityLockEvent)
        .where(
            IdentityLockEvent.identity_key == guard.identity_key,
            IdentityLockEvent.locked_at > since,
        )
    )
    return int(count or 0)


def record_success(guard: IdentityGuard | None, now: datetime) -> None:
    """A correct try resets the consecutive failures."""
    if guard is not None and guard.consecutive_failures:
        guard.consecutive_failures = 0
        guard.updated_at = now


def otp_block_status(guard: IdentityGuard | None, now: datetime) -> LockStatus:
    """Whether new one-time codes are blocked after too many wrong entries."""
    if guard is None or guard.otp_locked_until is None or guard.otp_locked_until <= now:
        return OPEN
    return LockStatus("locked", minutes_until(guard.otp_locked_until, now))


def block_otp(guard: IdentityGuard, now: datetime) -> None:
    """No new one-time code for this identity during the next 30 minutes."""
    guard.otp_locked_until = now + OTP_BLOCK_DURATION
    guard.updated_at = now


def unlock(guard: IdentityGuard, now: datetime) -> bool:
    """Clear every lock and the lock history (an agent's decision); True if it was locked."""
    was_locked = not lock_status(guard, now).is_open or not otp_block_status(guard, now).is_open
    guard.held_for_agent = False
    guard.locked_until = None
    guard.otp_locked_until = None
    guard.consecutive_failures = 0
    guard.history_reset_at = now
    guard.updated_at = now
    return was_locked
