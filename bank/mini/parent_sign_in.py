"""A parent signs in to "Cuenta para mis hijos" with the online-banking username and password.

The Token digital code is asked too when the user has one. Five failures in a row lock the
username for 30 minutes (unknown usernames too, so a lock reveals nothing); a signed-in session
ends after 10 idle minutes. A missing user costs the same argon2 time as a wrong password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.clock import Clock
from bank.crypto import SecretCipher, SecretHasher
from bank.db import SessionFactory, unit_of_work
from bank.mini.lockout import load_guard, locked_minutes
from bank.models import (
    SECOND_FACTOR_TOKEN,
    Customer,
    OnlineUser,
    ParentSession,
    SignInGuard,
)
from bank.notifications import link_chat
from bank.totp import check_token_code

MAX_FAILURES: Final = 5
LOCK_DURATION: Final = timedelta(minutes=30)
IDLE_TIMEOUT: Final = timedelta(minutes=10)
AWAITING_TOKEN: Final = "awaiting_token"  # noqa: S105 (a state name)
ACTIVE: Final = "active"
_MAX_USERNAME_KEY: Final = 40


@dataclass(frozen=True)
class SignInResult:
    """`signed_in`, `token_required`, `wrong` (attempts_left), `locked` (minutes),
    `expired` (the token step took too long), `no_sign_in` (nothing pending)."""

    code: str
    attempts_left: int = 0
    minutes: int = 0
    first_name: str = ""


@dataclass(frozen=True)
class ParentStatus:
    """`active` (customer_id, first_name), `expired` (idle too long) or `none`."""

    code: str
    customer_id: int = 0
    first_name: str = ""


def _username_key(username: str) -> str:
    return username.strip().lower()[:_MAX_USERNAME_KEY]


class ParentSignIn:
    """Sign-in, Token digital step, idle expiry and sign-out of parents, per chat."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        hasher: SecretHasher,
        token_cipher: SecretCipher,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._hasher = hasher
        self._token_cipher = token_cipher

    def sign_in(self, *, sender_id: str, username: str, password: str) -> SignInResult:
        """Check username and password; ask for the Token digital code when the user has one."""
        now = self._clock.now()
        key = _username_key(username)
        with unit_of_work(self._sessions) as session:
            guard = load_guard(session, key, now)
            if minutes := locked_minutes(guard, now):
                return SignInResult("locked", minutes=minutes)
            user = session.scalar(select(OnlineUser).where(OnlineUser.username_key == key))
            if not self._hasher.verify(user.password_hash if user else None, password):
                return _failure(session, guard, now, actor=f"chat:{sender_id}")
            assert user is not None  # verify() is False without a stored hash
            guard.failures, guard.updated_at = 0, now
            session.execute(delete(ParentSession).where(ParentSession.sender_id == sender_id))
            needs_token = user.second_factor == SECOND_FACTOR_TOKEN and user.totp_secret_encrypted
            session.add(
                ParentSession(
                    sender_id=sender_id,
                    online_user_id=user.id,
                    state=AWAITING_TOKEN if needs_token else ACTIVE,
                    created_at=now,
                    last_activity_at=now,
                )
            )
            if needs_token:
                return SignInResult("token_required")
            _audit_signed_in(session, user, now, sender_id)
            return SignInResult("signed_in", first_name=_first_name(session, user))

    def submit_token(self, *, sender_id: str, code: str) -> SignInResult:
        """The Token digital code after the password; failures count towards the same lock."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            pending = session.get(ParentSession, sender_id, with_for_update=True)
            if pending is None or pending.state != AWAITING_TOKEN:
                return SignInResult("no_sign_in")
            if pending.last_activity_at + IDLE_TIMEOUT <= now:
                session.delete(pending)
                return SignInResult("expired")
            user = session.get(OnlineUser, pending.online_user_id)
            assert user is not None and user.totp_secret_encrypted is not None
            guard = load_guard(session, user.username_key, now)
            if minutes := locked_minutes(guard, now):
                session.delete(pending)
                return SignInResult("locked", minutes=minutes)
            secret = self._token_cipher.decrypt(user.totp_secret_encrypted) or ""
            check = check_token_code(
                secret, code.strip(), now=now, last_timestep=user.totp_last_timestep
            )
            if check.code != "ok":
                result = _failure(session, guard, now, actor=f"chat:{sender_id}")
                if result.code == "locked":
                    session.delete(pending)
                return result
            user.totp_last_timestep = check.timestep
            guard.failures, guard.updated_at = 0, now
            pending.state, pending.last_activity_at = ACTIVE, now
            _audit_signed_in(session, user, now, sender_id)
            return SignInResult("signed_in", first_name=_first_name(session, user))

    def current_parent(self, *, sender_id: str) -> ParentStatus:
        """The signed-in parent of this chat (the session is kept alive), if any."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            active = session.get(ParentSession, sender_id)
            if active is None or active.state != ACTIVE:
                return ParentStatus("none")
            if active.last_activity_at + IDLE_TIMEOUT <= now:
                session.delete(active)
                return ParentStatus("expired")
            active.last_activity_at = now
            user = session.get(OnlineUser, active.online_user_id)
            assert user is not None
            return ParentStatus("active", user.customer_id, _first_name(session, user))

    def sign_out(self, *, sender_id: str) -> bool:
        """End the chat's parent session; True if there was one."""
        with unit_of_work(self._sessions) as session:
            found = session.get(ParentSession, sender_id)
            if found is None:
                return False
            session.delete(found)
            return True


def _failure(session: Session, guard: SignInGuard, now: datetime, *, actor: str) -> SignInResult:
    guard.failures += 1
    guard.updated_at = now
    if guard.failures >= MAX_FAILURES:
        guard.failures, guard.locked_until = 0, now + LOCK_DURATION
        record_audit(
            session, at=now, actor=actor, action="parent_sign_in_locked", subject=guard.username_key
        )
        return SignInResult("locked", minutes=locked_minutes(guard, now))
    return SignInResult("wrong", attempts_left=MAX_FAILURES - guard.failures)


def _first_name(session: Session, user: OnlineUser) -> str:
    customer = session.get(Customer, user.customer_id)
    return customer.full_name.split()[0] if customer is not None else ""


def _audit_signed_in(session: Session, user: OnlineUser, now: datetime, sender_id: str) -> None:
    link_chat(session, customer_id=user.customer_id, sender_id=sender_id, now=now)
    record_audit(
        session,
        at=now,
        actor=f"customer:{user.customer_id}",
        action="parent_signed_in",
        subject=f"online_user:{user.id}",
    )
