"""Desk sessions: a random token in the browser's cookie, its SHA-256 in the table, a CSRF token
per session, the idle timeout and the lifetime (`bank.assist.desk_policy`), and the desk's audit
rows (every page view and action, actor "desk:<login>")."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bank.assist.desk_accounts import DeskPrincipal, desk_actor, load_principal
from bank.assist.desk_policy import IDLE_TIMEOUT, SESSION_LIFETIME, TOKEN_BYTES
from bank.audit import record_audit
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.models import DeskSession


@dataclass(frozen=True)
class OpenSession:
    """A session just opened: the token for the cookie (never stored) and its CSRF token."""

    token: str
    csrf_token: str


@dataclass(frozen=True)
class ActiveSession:
    """A valid session: who it is and the CSRF token its forms must carry."""

    principal: DeskPrincipal
    csrf_token: str

    def csrf_matches(self, given: str | None) -> bool:
        """Whether a submitted CSRF token is this session's (constant time)."""
        return bool(given) and hmac.compare_digest(self.csrf_token, str(given))


def token_hash(token: str) -> str:
    """What the table keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class DeskSessions:
    """Opening, checking and ending desk sessions; the desk's audit rows."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def open(self, *, login: str) -> OpenSession:
        """A new session for a signed-in account."""
        now = self._clock.now()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        csrf = secrets.token_urlsafe(TOKEN_BYTES)
        with unit_of_work(self._sessions) as session:
            session.add(
                DeskSession(
                    token_hash=token_hash(token),
                    login=login,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return OpenSession(token, csrf)

    def check(self, *, token: str | None, touch: bool = True) -> ActiveSession | None:
        """The session of a cookie's token, or None (unknown, ended, idle too long, too old, or
        its agent removed). `touch` counts the request as activity (not for the live queue)."""
        if not token:
            return None
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            row = session.get(DeskSession, token_hash(token))
            if row is None or row.ended_at is not None:
                return None
            if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > SESSION_LIFETIME:
                row.ended_at = now
                _record(session, now, row.login, "desk.session_expired", "desk", {})
                return None
            principal = load_principal(session, row.login)
            if principal is None:
                row.ended_at = now
                return None
            if touch:
                row.last_seen_at = now
            return ActiveSession(principal, row.csrf_token)

    def end(self, *, token: str | None) -> None:
        """Sign out: the session ends (a second call does nothing)."""
        if not token:
            return
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            session.execute(
                update(DeskSession)
                .where(DeskSession.token_hash == token_hash(token), DeskSession.ended_at.is_(None))
                .values(ended_at=now)
            )

    def audit(
        self,
        *,
        login: str,
        action: str,
        subject: str,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """One audit row for a desk page view or action (never a message's text or a secret)."""
        with unit_of_work(self._sessions) as session:
            _record(session, self._clock.now(), login, action, subject, details or {})


def _record(
    session: Session,
    now: datetime,
    login: str,
    action: str,
    subject: str,
    details: Mapping[str, Any],
) -> None:
    record_audit(
        session, at=now, actor=desk_actor(login), action=action, subject=subject, details=details
    )
