"""Sign-in lockouts shared by the parent's and the child's sign-in (one row per username key).

Every number of these rules lives here. A wrong password (or picture password) counts towards a
temporary lock; the third lock within 24 hours holds the sign-in until someone releases it
(`HELD_LOCKS`), like the registration PIN (bank/guards.py). Wrong Token digital codes count on
their own (a right password does not reset them) and the fifth in a row holds at once
(`HELD_TOKEN`). A hold never ends by itself: `release` (an agent, the customer's online banking,
or the parent for a child) clears it and the lock history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.chat_redaction import redact_chat_text
from bank.models import SignInGuard, SignInLockEvent


@dataclass(frozen=True)
class LockPolicy:
    """How many failures in a row lock a sign-in, and for how long."""

    max_failures: int
    lock_duration: timedelta

    @property
    def lock_minutes(self) -> int:
        """The lock's length in whole minutes (for the messages)."""
        return int(self.lock_duration.total_seconds() // 60)


# The parent's online-banking password in "Cuenta para mis hijos".
PARENT_PASSWORD: Final = LockPolicy(max_failures=5, lock_duration=timedelta(minutes=30))
# The child's picture password.
CHILD_PICTURES: Final = LockPolicy(max_failures=5, lock_duration=timedelta(minutes=15))
# Wrong Token digital codes in a row before the parent's sign-in is held.
TOKEN_MAX_FAILURES: Final = 5
# The third lock within 24 hours holds the sign-in.
LOCKS_BEFORE_HOLD: Final = 3
HOLD_WINDOW: Final = timedelta(hours=24)

HELD_TOKEN: Final = "token"  # noqa: S105 (a hold reason)
HELD_LOCKS: Final = "locks"


@dataclass(frozen=True)
class Failure:
    """After a failure: `wrong` (attempts_left), `locked` (minutes) or `held` (newly held)."""

    code: str
    attempts_left: int = 0
    minutes: int = 0


def load_guard(session: Session, key: str, now: datetime) -> SignInGuard:
    """The key's guard, locked for the unit of work (created with no failures if missing)."""
    guard = session.get(SignInGuard, key, with_for_update=True, populate_existing=True)
    if guard is not None:
        return guard
    try:
        # Concurrent first attempts on one key: one inserts, the others wait, then lock its row.
        with session.begin_nested():
            guard = SignInGuard(
                username_key=key, failures=0, token_failures=0, locked_until=None, updated_at=now
            )
            session.add(guard)
    except IntegrityError:
        existing = session.get(SignInGuard, key, with_for_update=True, populate_existing=True)
        assert existing is not None
        return existing
    return guard


def is_held(guard: SignInGuard) -> bool:
    """Whether the sign-in waits for someone to release it."""
    return guard.held_reason is not None


def locked_minutes(guard: SignInGuard, now: datetime) -> int:
    """Whole minutes the guard stays locked (at least 1), or 0 when it is open."""
    if guard.locked_until is None or guard.locked_until <= now:
        return 0
    return max(1, math.ceil((guard.locked_until - now).total_seconds() / 60))


def record_failure(
    session: Session, guard: SignInGuard, now: datetime, policy: LockPolicy
) -> Failure:
    """Count one wrong password: the last allowed one locks, the third lock in 24 hours holds."""
    guard.failures = (guard.failures or 0) + 1
    guard.updated_at = now
    if guard.failures < policy.max_failures:
        return Failure("wrong", attempts_left=policy.max_failures - guard.failures)
    guard.failures = 0
    guard.locked_until = now + policy.lock_duration
    held = recent_lock_count(session, guard, now) + 1 >= LOCKS_BEFORE_HOLD
    session.add(SignInLockEvent(username_key=guard.username_key, locked_at=now, held=held))
    if held:
        _hold(guard, now, HELD_LOCKS)
        return Failure("held")
    return Failure("locked", minutes=locked_minutes(guard, now))


def record_token_failure(guard: SignInGuard, now: datetime) -> Failure:
    """Count one wrong Token digital code; the fifth in a row holds the sign-in."""
    guard.token_failures = (guard.token_failures or 0) + 1
    guard.updated_at = now
    if guard.token_failures < TOKEN_MAX_FAILURES:
        return Failure("wrong", attempts_left=TOKEN_MAX_FAILURES - guard.token_failures)
    _hold(guard, now, HELD_TOKEN)
    return Failure("held")


def record_success(guard: SignInGuard, now: datetime, *, second_factor: bool = False) -> None:
    """A right password resets the password failures; only a right second factor (or a sign-in
    without one) resets the Token digital failures too."""
    guard.failures = 0
    if second_factor:
        guard.token_failures = 0
    guard.updated_at = now


def recent_lock_count(session: Session, guard: SignInGuard, now: datetime) -> int:
    """Locks of this key in the last 24 hours (since the last release, if later)."""
    since = now - HOLD_WINDOW
    if guard.history_reset_at is not None and guard.history_reset_at > since:
        since = guard.history_reset_at
    count = session.scalar(
        select(func.count())
        .select_from(SignInLockEvent)
        .where(
            SignInLockEvent.username_key == guard.username_key,
            SignInLockEvent.locked_at > since,
        )
    )
    return int(count or 0)


def release(
    session: Session,
    guard: SignInGuard,
    now: datetime,
    *,
    released_by: str,
    reason: str,
    subject: str,
) -> bool:
    """Clear the hold, the lock, every counter and the lock history (audited); True if the
    sign-in was held or locked."""
    was_closed = is_held(guard) or locked_minutes(guard, now) > 0
    held_reason = guard.held_reason
    guard.held_reason = None
    guard.held_at = None
    guard.locked_until = None
    guard.failures = 0
    guard.token_failures = 0
    guard.history_reset_at = now
    guard.updated_at = now
    record_audit(
        session,
        at=now,
        actor=released_by,
        action="sign_in_released" if was_closed else "sign_in_release_noop",
        subject=subject,
        # What the releaser typed about the customer keeps no number or key.
        details={"held_reason": held_reason, "reason": redact_chat_text(reason)},
    )
    return was_closed


def _hold(guard: SignInGuard, now: datetime, reason: str) -> None:
    guard.held_reason = reason
    guard.held_at = now
    guard.failures = 0
    guard.locked_until = None
