"""A parent signs in to "Cuenta para mis hijos" with the online-banking username and password.

The Token digital code is asked too when the user has one. Wrong passwords lock the username
(unknown usernames too, so a lock reveals nothing) and the third lock in 24 hours holds it; wrong
Token codes count on their own, survive a right password, and the fifth in a row holds the
sign-in at once (bank.mini.lockout has every number). A hold is audited, told to the customer by
SMS and e-mail, and lasts until an agent or the customer's online banking releases it. A
signed-in session ends after 10 idle minutes; signing in ends the chat's child session. A missing
user costs the same argon2 time as a wrong password.
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
from bank.gateways import MailGatewayFactory, SmsGatewayFactory
from bank.hash_upgrade import upgrade_if_needed
from bank.mini import lockout
from bank.mini.chat_sessions import end_child_session
from bank.mini.lockout import PARENT_PASSWORD, load_guard, locked_minutes
from bank.mini.outcome import MiniCode
from bank.mini.sign_in_release import release_online_user, tell_customer_of_hold
from bank.models import (
    SECOND_FACTOR_TOKEN,
    Customer,
    OnlineUser,
    ParentSession,
    SignInGuard,
)
from bank.notifications import link_chat
from bank.totp import check_token_code
from bank.validators import validate_otp_format

MAX_FAILURES: Final = PARENT_PASSWORD.max_failures
LOCK_DURATION: Final = PARENT_PASSWORD.lock_duration
IDLE_TIMEOUT: Final = timedelta(minutes=10)
AWAITING_TOKEN: Final = "awaiting_token"  # noqa: S105 (a state name)
ACTIVE: Final = "active"
_MAX_USERNAME_KEY: Final = 40


@dataclass(frozen=True)
class SignInResult:
    """`signed_in`, `token_required`, `wrong` (attempts_left), `locked` (minutes), `held` (until
    released: held_reason), `invalid` (a Token code that is not 6 digits; nothing counted),
    `expired` (the token step took too long), `no_sign_in` (nothing pending)."""

    code: str
    attempts_left: int = 0
    minutes: int = 0
    first_name: str = ""
    held_reason: str = ""


@dataclass(frozen=True)
class ParentStatus:
    """`active` (customer_id, first_name), `expired` (idle too long) or `none`."""

    code: str
    customer_id: int = 0
    first_name: str = ""


def _username_key(username: str) -> str:
    return username.strip().lower()[:_MAX_USERNAME_KEY]


class ParentSignIn:
    """Sign-in, Token digital step, idle expiry, sign-out and holds of parents, per chat."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        hasher: SecretHasher,
        token_cipher: SecretCipher,
        sms: SmsGatewayFactory,
        mail: MailGatewayFactory,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._hasher = hasher
        self._token_cipher = token_cipher
        self._sms = sms
        self._mail = mail

    def sign_in(self, *, sender_id: str, username: str, password: str) -> SignInResult:
        """Check username and password; ask for the Token digital code when the user has one."""
        now = self._clock.now()
        key = _username_key(username)
        actor = f"chat:{sender_id}"
        with unit_of_work(self._sessions) as session:
            guard = load_guard(session, key, now)
            if lockout.is_held(guard):
                return SignInResult("held", held_reason=str(guard.held_reason))
            if minutes := locked_minutes(guard, now):
                return SignInResult("locked", minutes=minutes)
            user = session.scalar(select(OnlineUser).where(OnlineUser.username_key == key))
            verified = self._hasher.check(user.password_hash if user else None, password)
            if not verified.ok:
                failure = lockout.record_failure(session, guard, now, PARENT_PASSWORD)
                return self._after_failure(session, guard, user, failure, now, actor=actor)
            assert user is not None  # check() is not ok without a stored hash
            upgraded = upgrade_if_needed(self._hasher, verified, password)
            if upgraded is not None:
                user.password_hash = upgraded
            needs_token = bool(
                user.second_factor == SECOND_FACTOR_TOKEN and user.totp_secret_encrypted
            )
            # Token failures survive a right password: only a right Token code resets them.
            lockout.record_success(guard, now, second_factor=not needs_token)
            session.execute(delete(ParentSession).where(ParentSession.sender_id == sender_id))
            end_child_session(session, sender_id=sender_id, now=now, by=actor)
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
        """The Token digital code after the password; wrong codes count on their own."""
        now = self._clock.now()
        actor = f"chat:{sender_id}"
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
            if lockout.is_held(guard):
                session.delete(pending)
                return SignInResult("held", held_reason=str(guard.held_reason))
            if minutes := locked_minutes(guard, now):
                session.delete(pending)
                return SignInResult("locked", minutes=minutes)
            typed = validate_otp_format(code)
            if not typed.ok:
                return SignInResult("invalid")  # cannot be right: nothing to count
            secret = self._token_cipher.decrypt(user.totp_secret_encrypted) or ""
            check = check_token_code(
                secret, typed.value, now=now, last_timestep=user.totp_last_timestep
            )
            if check.code != MiniCode.OK:
                failure = lockout.record_token_failure(guard, now)
                if failure.code != MiniCode.WRONG:
                    session.delete(pending)
                return self._after_failure(session, guard, user, failure, now, actor=actor)
            user.totp_last_timestep = check.timestep
            # A secret encrypted with the version 1 key is encrypted again with the current one.
            resealed = self._token_cipher.refresh(user.totp_secret_encrypted)
            if resealed is not None:
                user.totp_secret_encrypted = resealed
            lockout.record_success(guard, now, second_factor=True)
            pending.state, pending.last_activity_at = ACTIVE, now
            _audit_signed_in(session, user, now, sender_id)
            return SignInResult("signed_in", first_name=_first_name(session, user))

    def release_sign_in_hold(self, *, username: str, released_by: str, reason: str) -> str:
        """Release the held (or locked) sign-in of an online-banking user, audited with who and
        why: `released`, `not_held` (it was open; the counters are reset anyway) or `unknown`."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            key = _username_key(username)
            user = session.scalar(select(OnlineUser).where(OnlineUser.username_key == key))
            if user is None:
                return "unknown"
            released = release_online_user(
                session, user, now, released_by=released_by, reason=" ".join(reason.split())
            )
            return "released" if released else "not_held"

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

    def _after_failure(
        self,
        session: Session,
        guard: SignInGuard,
        user: OnlineUser | None,
        failure: lockout.Failure,
        now: datetime,
        *,
        actor: str,
    ) -> SignInResult:
        """Audit a lock or a hold (a hold is also told to the customer by SMS and e-mail)."""
        if failure.code == MiniCode.WRONG:
            return SignInResult("wrong", attempts_left=failure.attempts_left)
        # Never the typed username as subject: the online user's id, or nothing for unknown ones.
        subject = f"online_user:{user.id}" if user is not None else "online_user:unknown"
        if failure.code == MiniCode.LOCKED:
            record_audit(
                session, at=now, actor=actor, action="parent_sign_in_locked", subject=subject
            )
            return SignInResult("locked", minutes=failure.minutes)
        record_audit(
            session,
            at=now,
            actor=actor,
            action="parent_sign_in_held",
            subject=subject,
            details={"held_reason": guard.held_reason},
        )
        if user is not None:
            tell_customer_of_hold(session, user, sms=self._sms, mail=self._mail)
        return SignInResult("held", held_reason=str(guard.held_reason))


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
