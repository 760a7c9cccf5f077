"""Sign-in lockouts shared by the parent's and the child's sign-in (one row per username key)."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy.orm import Session

from bank.models import SignInGuard


def load_guard(session: Session, key: str, now: datetime) -> SignInGuard:
    """The key's guard, locked for the unit of work (created with no failures if missing)."""
    guard = session.get(SignInGuard, key, with_for_update=True)
    if guard is None:
        guard = SignInGuard(username_key=key, failures=0, locked_until=None, updated_at=now)
        session.add(guard)
        session.flush()
    return guard


def locked_minutes(guard: SignInGuard, now: datetime) -> int:
    """Whole minutes the guard stays locked (at least 1), or 0 when it is open."""
    if guard.locked_until is None or guard.locked_until <= now:
        return 0
    return max(1, math.ceil((guard.locked_until - now).total_seconds() / 60))
