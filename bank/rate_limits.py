"""Sliding-window rate limits, counted in the `rate_limit_hits` table.

A `RateLimit` allows `max_hits` hits in any `window`. What is limited (a chat, a cédula) is never
stored: a bucket is the limit's name plus a keyed HMAC of it, under the bank's own key (hits
recorded under the key before it, bank.keys, still count until they leave the window). Callers
check and hit inside their own unit of work, so a hit commits with the step it guards. Rows older
than `RETENTION` are pruned on every hit. Every limit the bank applies is a constant below.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bank.crypto import keyed_digests
from bank.keys import KeyRing
from bank.models import RateLimitHit

RETENTION: Final = timedelta(days=2)
BUCKET_DIGEST_CHARS: Final = 40


@dataclass(frozen=True)
class RateLimit:
    """At most `max_hits` hits in any sliding `window`; `name` prefixes its buckets."""

    name: str
    max_hits: int
    window: timedelta

    def __post_init__(self) -> None:
        if self.max_hits < 1 or not timedelta(0) < self.window <= RETENTION:
            raise ValueError(f"rate limit {self.name}: 1+ hits in a window of up to {RETENTION}")

    @property
    def window_minutes(self) -> int:
        """The window in whole minutes, for messages."""
        return math.ceil(self.window.total_seconds() / 60)


# The limits (the assistant's own rules: the bank's seeds give none). Messages that state them take
# the numbers from here through placeholders.
# Cuenta Mini registration: cédulas typed from one chat, and one cédula typed from any chat.
MINI_CEDULA_PER_CHAT: Final = RateLimit("mini-cedula-chat", 5, timedelta(hours=1))
MINI_CEDULA_PER_CHILD: Final = RateLimit("mini-cedula", 5, timedelta(hours=1))
# "Pedirle un código": requests for one cédula from any chat (each may notify the parent).
MINI_CODE_REQUESTS_PER_CHILD: Final = RateLimit("mini-code-request", 3, timedelta(hours=1))


@dataclass(frozen=True)
class RateVerdict:
    """`allowed`, or the first `limit` that refused and how long until it would allow a hit."""

    allowed: bool
    limit: RateLimit | None = None
    retry_after: timedelta = timedelta(0)

    @property
    def minutes(self) -> int:
        """Whole minutes to wait (at least 1 when refused)."""
        if self.allowed:
            return 0
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


ALLOWED: Final = RateVerdict(True)


class RateLimiter:
    """Counts and records hits in keyed buckets; every call runs in the caller's session."""

    def __init__(self, *, key: bytes | KeyRing) -> None:
        self._keys = KeyRing.of(key)

    def bucket(self, *, limit: RateLimit, subject: str) -> str:
        """The bucket of `subject` under `limit`: no raw identifier, stable for one bank key."""
        return self.buckets(limit=limit, subject=subject)[0]

    def buckets(self, *, limit: RateLimit, subject: str) -> tuple[str, ...]:
        """The buckets of `subject` under every key of the ring, the current one (which records
        hits) first."""
        digests = keyed_digests(self._keys, "rate-limit", limit.name, subject)
        return tuple(f"{limit.name}:{digest[:BUCKET_DIGEST_CHARS]}" for digest in digests)

    def check(
        self, session: Session, *, limit: RateLimit, subject: str, now: datetime
    ) -> RateVerdict:
        """Whether one more hit fits in the window ending now (records nothing)."""
        times = list(
            session.scalars(
                select(RateLimitHit.at)
                .where(
                    RateLimitHit.bucket.in_(self.buckets(limit=limit, subject=subject)),
                    RateLimitHit.at > now - limit.window,
                )
                .order_by(RateLimitHit.at)
            )
        )
        if len(times) < limit.max_hits:
            return ALLOWED
        # The window drops hits oldest first: one more fits once enough of them have left it.
        freed_at = times[len(times) - limit.max_hits] + limit.window
        return RateVerdict(False, limit, max(freed_at - now, timedelta(0)))

    def hit(self, session: Session, *, limit: RateLimit, subject: str, now: datetime) -> None:
        """Record one hit, and prune every bucket's rows older than RETENTION."""
        session.execute(delete(RateLimitHit).where(RateLimitHit.at < now - RETENTION))
        session.add(RateLimitHit(bucket=self.bucket(limit=limit, subject=subject), at=now))

    def attempt(
        self,
        session: Session,
        *,
        limits: Sequence[tuple[RateLimit, str]],
        now: datetime,
    ) -> RateVerdict:
        """Check every (limit, subject); hit them all only when each allows it (a refused
        attempt is not counted, so steady probing cannot keep a bucket full forever)."""
        self._serialise(session, [self.bucket(limit=limit, subject=s) for limit, s in limits])
        for limit, subject in limits:
            verdict = self.check(session, limit=limit, subject=subject, now=now)
            if not verdict.allowed:
                return verdict
        for limit, subject in limits:
            self.hit(session, limit=limit, subject=subject, now=now)
        return ALLOWED

    @staticmethod
    def _serialise(session: Session, buckets: Sequence[str]) -> None:
        """Hold each bucket's lock until the unit of work ends, so concurrent attempts count and
        record one after the other. PostgreSQL: transaction-level advisory locks, taken in a
        fixed order; SQLite: its writers are serialised already (BEGIN IMMEDIATE)."""
        if session.get_bind().dialect.name != "postgresql":
            return
        for bucket in sorted(set(buckets)):
            lock_id = int.from_bytes(hashlib.sha256(bucket.encode()).digest()[:8], signed=True)
            session.execute(select(func.pg_advisory_xact_lock(lock_id)))
