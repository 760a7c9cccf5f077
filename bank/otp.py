"""One-time codes sent by SMS: issue with send limits, verify once, count wrong entries.

Codes are 6 random digits kept only as a keyed HMAC; comparisons are constant time. A new code
invalidates the previous one and inherits its wrong entries, so asking again never buys tries.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bank import guards, messages
from bank.crypto import digest_matches_any, keyed_digest, keyed_digests
from bank.gateways import SmsGateway
from bank.keys import KeyRing
from bank.models import OtpChallenge

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MAX_WRONG_ENTRIES = 5
MIN_SPACING = timedelta(seconds=60)
MAX_CODES_PER_WINDOW = 3
SEND_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class OtpIssue:
    """Result of asking for a code: `sent`, `too_soon`, `too_many_codes`, `attempts_exhausted`."""

    code: str
    seconds: int = 0
    minutes: int = 0


@dataclass(frozen=True)
class OtpCheck:
    """Result of typing a code: `ok`, `wrong`, `expired`, `no_active_code`, `attempts_exhausted`."""

    code: str
    attempts_left: int = 0
    newly_blocked: bool = False


def new_code() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


class OtpIssuer:
    """Issues and checks SMS codes for an identity inside the caller's unit of work."""

    def __init__(self, *, key: bytes | KeyRing) -> None:
        # Codes are digested with the current key; one digested with an older key (issued
        # before the switch, alive 5 minutes) still matches.
        self._keys = KeyRing.of(key)

    def issue(
        self,
        session: Session,
        *,
        journey_id: int,
        identity_key: str,
        phone: str,
        sms: SmsGateway,
        now: datetime,
    ) -> OtpIssue:
        """Send a new code to `phone` unless a limit applies; the previous code stops working."""
        guard = guards.load_or_create_guard(session, identity_key, now)  # serialises per identity
        blocked = guards.otp_block_status(guard, now)
        if not blocked.is_open:
            return OtpIssue("attempts_exhausted", minutes=blocked.minutes)
        recent = list(
            session.scalars(
                select(OtpChallenge)
                .where(
                    OtpChallenge.identity_key == identity_key,
                    OtpChallenge.created_at > now - SEND_WINDOW,
                )
                .order_by(OtpChallenge.created_at.desc(), OtpChallenge.id.desc())
            )
        )
        if recent and now - recent[0].created_at < MIN_SPACING:
            wait = MIN_SPACING - (now - recent[0].created_at)
            return OtpIssue("too_soon", seconds=max(1, math.ceil(wait.total_seconds())))
        if len(recent) >= MAX_CODES_PER_WINDOW:
            oldest = recent[MAX_CODES_PER_WINDOW - 1].created_at
            return OtpIssue(
                "too_many_codes", minutes=guards.minutes_until(oldest + SEND_WINDOW, now)
            )
        carried = _carried_wrong_entries(recent)
        self._invalidate_open(session, identity_key=identity_key, now=now)
        code = new_code()
        session.add(
            OtpChallenge(
                journey_id=journey_id,
                identity_key=identity_key,
                code_hash=self._digest(identity_key, code),
                created_at=now,
                expires_at=now + CODE_TTL,
                wrong_attempts=carried,
            )
        )
        sms.send_sms(
            phone, messages.otp_sms(code=code, minutes=int(CODE_TTL.total_seconds() // 60))
        )
        return OtpIssue("sent", minutes=int(CODE_TTL.total_seconds() // 60))

    def verify(
        self, session: Session, *, journey_id: int, identity_key: str, code: str, now: datetime
    ) -> OtpCheck:
        """Check `code` against the journey's open code; a correct code works exactly once."""
        if not guards.otp_block_status(guards.load_guard(session, identity_key), now).is_open:
            return OtpCheck("attempts_exhausted")
        challenge = session.scalar(
            select(OtpChallenge)
            .where(
                OtpChallenge.journey_id == journey_id,
                OtpChallenge.consumed_at.is_(None),
                OtpChallenge.invalidated_at.is_(None),
            )
            .order_by(OtpChallenge.created_at.desc(), OtpChallenge.id.desc())
            .limit(1)
        )
        if challenge is None:
            return OtpCheck("no_active_code")
        if challenge.wrong_attempts >= MAX_WRONG_ENTRIES:
            return OtpCheck("attempts_exhausted")
        if challenge.expires_at <= now:
            return OtpCheck("expired")
        typed = keyed_digests(self._keys, "otp", identity_key, code)
        if digest_matches_any(challenge.code_hash, typed):
            return self._consume(session, challenge_id=challenge.id, now=now)
        return self._count_wrong(
            session, challenge_id=challenge.id, identity_key=identity_key, now=now
        )

    def invalidate_journey(self, session: Session, *, journey_id: int, now: datetime) -> None:
        """No open code of this journey works any more (journey restarted or left)."""
        session.execute(
            update(OtpChallenge)
            .where(
                OtpChallenge.journey_id == journey_id,
                OtpChallenge.consumed_at.is_(None),
                OtpChallenge.invalidated_at.is_(None),
            )
            .values(invalidated_at=now)
            .execution_options(synchronize_session=False)
        )

    def _consume(self, session: Session, *, challenge_id: int, now: datetime) -> OtpCheck:
        # Conditional update: of two verifications racing with the right code, one wins.
        result = _rows(
            session.execute(
                update(OtpChallenge)
                .where(
                    OtpChallenge.id == challenge_id,
                    OtpChallenge.consumed_at.is_(None),
                    OtpChallenge.invalidated_at.is_(None),
                    OtpChallenge.expires_at > now,
                    OtpChallenge.wrong_attempts < MAX_WRONG_ENTRIES,
                )
                .values(consumed_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        return OtpCheck("ok") if result == 1 else OtpCheck("no_active_code")

    def _count_wrong(
        self, session: Session, *, challenge_id: int, identity_key: str, now: datetime
    ) -> OtpCheck:
        session.execute(
            update(OtpChallenge)
            .where(OtpChallenge.id == challenge_id)
            .values(wrong_attempts=OtpChallenge.wrong_attempts + 1)
            .execution_options(synchronize_session=False)
        )
        wrong = int(
            session.scalar(
                select(OtpChallenge.wrong_attempts).where(OtpChallenge.id == challenge_id)
            )
            or 0
        )
        if wrong >= MAX_WRONG_ENTRIES:
            session.execute(
                update(OtpChallenge)
                .where(OtpChallenge.id == challenge_id)
                .values(invalidated_at=now)
                .execution_options(synchronize_session=False)
            )
            guards.block_otp(guards.load_or_create_guard(session, identity_key, now), now)
            return OtpCheck("attempts_exhausted", newly_blocked=True)
        return OtpCheck("wrong", attempts_left=MAX_WRONG_ENTRIES - wrong)

    def _invalidate_open(self, session: Session, *, identity_key: str, now: datetime) -> None:
        session.execute(
            update(OtpChallenge)
            .where(
                OtpChallenge.identity_key == identity_key,
                OtpChallenge.consumed_at.is_(None),
                OtpChallenge.invalidated_at.is_(None),
            )
            .values(invalidated_at=now)
            .execution_options(synchronize_session=False)
        )

    def _digest(self, identity_key: str, code: str) -> str:
        return keyed_digest(self._keys.current, "otp", identity_key, code)


def _carried_wrong_entries(recent: list[OtpChallenge]) -> int:
    """Wrong entries the next code inherits: those of the latest unused code in the window.

    Invalidated codes count too, so leaving and restarting the journey buys no extra tries.
    """
    if not recent or recent[0].consumed_at is not None:
        return 0
    latest = recent[0].wrong_attempts
    return latest if latest < MAX_WRONG_ENTRIES else 0


def _rows(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)
