"""Activation codes a parent generates so a child can create the Cuenta Mini user.

A code is 6 random digits bound to one child's cédula, valid 10 minutes, single use, kept only as
a keyed digest and compared in constant time. Generating again invalidates the previous code. At
most 5 wrong entries per code and 5 codes per hour per child, so at most 25 guesses an hour.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.clock import Clock
from bank.crypto import digest_matches_any, keyed_digest, keyed_digests
from bank.db import SessionFactory, unit_of_work
from bank.keys import KeyRing
from bank.mini.accounts import lock_account
from bank.models import MINI_APPROVED, MiniActivationCode

CODE_DIGITS: Final = 6
CODE_TTL: Final = timedelta(minutes=10)
MAX_WRONG_ENTRIES: Final = 5
MAX_CODES_PER_HOUR: Final = 5
CODE_WINDOW: Final = timedelta(hours=1)


@dataclass(frozen=True)
class CodeIssue:
    """`issued` (activation_code shown once to the parent, minutes valid), `not_your_child`,
    `not_approved`, `too_many_codes` (minutes until another may be generated)."""

    code: str
    activation_code: str | None = None
    minutes: int = 0
    child_first_name: str = ""

    def __repr__(self) -> str:
        # The activation code is a secret: never in a repr, hence never in a log or a traceback.
        return f"CodeIssue(code={self.code!r}, minutes={self.minutes})"


@dataclass(frozen=True)
class CodeCheck:
    """`ok`, `wrong` (attempts_left), `expired` and `used` (only for the code itself; another
    code typed then is `no_active_code`), `no_active_code`, `attempts_exhausted`, `unknown_child`,
    `invalid` (not 6 digits; counts nothing)."""

    code: str
    attempts_left: int = 0


def new_activation_code() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


class ActivationCodes:
    """Generates and checks activation codes; each call is its own unit of work."""

    def __init__(
        self, *, session_factory: SessionFactory, clock: Clock, key: bytes | KeyRing
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        # Codes are digested with the current key; one from before the switch still matches.
        self._keys = KeyRing.of(key)

    def generate(self, *, parent_id: int, child_cedula: str) -> CodeIssue:
        """A new code for the parent's approved child; the previous code stops working."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            account = lock_account(session, child_cedula)
            if account is None or account.parent_id != parent_id:
                return CodeIssue("not_your_child")
            if account.state != MINI_APPROVED:
                return CodeIssue("not_approved")
            recent = list(
                session.scalars(
                    select(MiniActivationCode)
                    .where(
                        MiniActivationCode.mini_account_id == account.id,
                        MiniActivationCode.created_at > now - CODE_WINDOW,
                    )
                    .order_by(MiniActivationCode.created_at)
                )
            )
            if len(recent) >= MAX_CODES_PER_HOUR:
                wait = recent[0].created_at + CODE_WINDOW - now
                return CodeIssue("too_many_codes", minutes=max(1, math.ceil(wait.seconds / 60)))
            for previous in _live_codes(session, account.id):
                previous.invalidated_at = now
            code = new_activation_code()
            session.add(
                MiniActivationCode(
                    mini_account_id=account.id,
                    code_digest=self._digest(account.child_cedula, code),
                    created_at=now,
                    expires_at=now + CODE_TTL,
                    wrong_entries=0,
                )
            )
            record_audit(
                session,
                at=now,
                actor=f"customer:{parent_id}",
                action="mini_activation_code_generated",
                subject=f"mini:{account.id}",
            )
            first_name = account.child_full_name.split()[0]
            minutes = int(CODE_TTL.total_seconds() // 60)
            return CodeIssue("issued", code, minutes=minutes, child_first_name=first_name)

    def check(self, *, child_cedula: str, code: str) -> CodeCheck:
        """Check a typed code; `ok` uses it up (only one of several racing calls wins)."""
        typed = code.strip()
        if len(typed) != CODE_DIGITS or not typed.isascii() or not typed.isdigit():
            return CodeCheck("invalid")
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            account = lock_account(session, child_cedula)
            if account is None or account.state != MINI_APPROVED:
                return CodeCheck("unknown_child")
            latest = session.scalars(
                select(MiniActivationCode)
                .where(MiniActivationCode.mini_account_id == account.id)
                .order_by(MiniActivationCode.created_at.desc(), MiniActivationCode.id.desc())
                .limit(1)
            ).first()
            if latest is None or latest.invalidated_at is not None:
                return CodeCheck("no_active_code")
            if latest.wrong_entries >= MAX_WRONG_ENTRIES:
                return CodeCheck("attempts_exhausted")
            matches = digest_matches_any(
                latest.code_digest,
                keyed_digests(self._keys, "mini-activation", account.child_cedula, typed),
            )
            if latest.used_at is not None or latest.expires_at <= now:
                # Told only to whoever typed this very code: a guess learns nothing of its state.
                if not matches:
                    return CodeCheck("no_active_code")
                return CodeCheck("used" if latest.used_at is not None else "expired")
            if not matches:
                latest.wrong_entries += 1
                left = MAX_WRONG_ENTRIES - latest.wrong_entries
                return (
                    CodeCheck("wrong", attempts_left=left)
                    if left
                    else CodeCheck("attempts_exhausted")
                )
            used = cast(
                CursorResult[Any],
                session.execute(
                    update(MiniActivationCode)
                    .where(MiniActivationCode.id == latest.id, MiniActivationCode.used_at.is_(None))
                    .values(used_at=now)
                    .execution_options(synchronize_session=False)
                ),
            )
            if used.rowcount != 1:
                return CodeCheck("used")
            record_audit(
                session,
                at=now,
                actor=f"mini:{account.id}",
                action="mini_activation_code_used",
                subject=f"mini:{account.id}",
            )
            return CodeCheck("ok")

    def _digest(self, cedula: str, code: str) -> str:
        return keyed_digest(self._keys.current, "mini-activation", cedula, code)


def _live_codes(session: Session, account_id: int) -> list[MiniActivationCode]:
    return list(
        session.scalars(
            select(MiniActivationCode).where(
                MiniActivationCode.mini_account_id == account_id,
                MiniActivationCode.invalidated_at.is_(None),
                MiniActivationCode.used_at.is_(None),
            )
        )
    )
