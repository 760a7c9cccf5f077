"""A child's Cuenta Mini user: created after a valid activation code, then signed in with a
username and a picture password. Failed sign-ins lock (the parent is told) and the third lock in
24 hours holds until the parent releases it (the numbers are in bank.mini.lockout).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.clock import Clock
from bank.crypto import SecretHasher
from bank.db import SessionFactory, unit_of_work
from bank.hash_upgrade import upgrade_if_needed
from bank.mini import lockout
from bank.mini.accounts import lock_account
from bank.mini.lockout import CHILD_PICTURES, load_guard, locked_minutes
from bank.mini.outcome import MiniCode
from bank.mini.pictures import AVATAR_IDS, is_easy_picture_password, picture_password_text
from bank.mini.sign_in_release import child_guard_key
from bank.models import MiniAccount, MiniActivationCode, MiniUser
from bank.notifications import queue_notice
from bank.validators import CHILD_USERNAME_MAX, validate_child_username

MAX_FAILURES: Final = CHILD_PICTURES.max_failures
LOCK_DURATION: Final = CHILD_PICTURES.lock_duration
# The user must be created soon after the activation code was accepted.
CREATION_WINDOW: Final = timedelta(minutes=30)
SUGGESTION_COUNT: Final = 3


@dataclass(frozen=True)
class UsernameCheck:
    """`available`, `taken` (suggestions) or `invalid` (reason)."""

    code: str
    reason: str = ""
    suggestions: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ChildCreation:
    """`created`, `no_valid_code`, `already_has_user`, `taken` (suggestions), `invalid` (reason:
    a username rule, `unknown_avatar`, `bad_picture_password` or `easy_picture_password`)."""

    code: str
    reason: str = ""
    suggestions: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ChildSignIn:
    """`signed_in` (avatar, first_name), `wrong` (attempts_left), `locked` (minutes) or `held`
    (until the parent releases it; parent_id and newly_locked tell whom to warn and when)."""

    code: str
    attempts_left: int = 0
    minutes: int = 0
    avatar: str = ""
    first_name: str = ""
    parent_id: int | None = None
    newly_locked: bool = False


class ChildUsers:
    """Creates and signs in Cuenta Mini users; each call is its own unit of work."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock, hasher: SecretHasher):
        self._sessions = session_factory
        self._clock = clock
        self._hasher = hasher

    def check_username(self, username: str) -> UsernameCheck:
        """Whether a username follows the rules and is free; suggestions when it is taken."""
        validation = validate_child_username(username)
        if not validation.ok:
            return UsernameCheck("invalid", reason=validation.reason or "")
        with unit_of_work(self._sessions) as session:
            if not username_taken(session, validation.value):
                return UsernameCheck("available")
            return UsernameCheck(
                "taken", suggestions=username_suggestions(session, validation.value)
            )

    def create(
        self, *, child_cedula: str, username: str, avatar: str, picture_ids: Sequence[str]
    ) -> ChildCreation:
        """Create the child's user, re-checking the activation code, the rules and availability."""
        validation = validate_child_username(username)
        if not validation.ok:
            return ChildCreation("invalid", reason=validation.reason or "")
        if avatar not in AVATAR_IDS:
            return ChildCreation("invalid", reason="unknown_avatar")
        password = picture_password_text(picture_ids)
        if password is None:
            return ChildCreation("invalid", reason="bad_picture_password")
        if is_easy_picture_password(picture_ids):
            return ChildCreation("invalid", reason="easy_picture_password")
        password_hash = self._hasher.hash(password)  # slow: outside the transaction
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            account = lock_account(session, child_cedula)
            if account is None:
                return ChildCreation("no_valid_code")
            return add_user(
                session,
                account=account,
                username=validation.value,
                avatar=avatar,
                password_hash=password_hash,
                now=now,
            )

    def sign_in(self, *, username: str, picture_ids: Sequence[str]) -> ChildSignIn:
        """Check a username and picture password; wrong ones lock, the third lock in 24 hours
        holds until the parent (or an agent) releases it (bank.mini.lockout)."""
        now = self._clock.now()
        key = username.strip().lower()[:CHILD_USERNAME_MAX]
        password = picture_password_text(picture_ids) or ""
        with unit_of_work(self._sessions) as session:
            guard = load_guard(session, child_guard_key(key), now)
            user = session.scalar(select(MiniUser).where(MiniUser.username_key == key))
            account = session.get(MiniAccount, user.mini_account_id) if user else None
            parent_id = account.parent_id if account else None
            if lockout.is_held(guard):
                return ChildSignIn("held", parent_id=parent_id)
            if minutes := locked_minutes(guard, now):
                return ChildSignIn("locked", minutes=minutes, parent_id=parent_id)
            verified = self._hasher.check(user.picture_password_hash if user else None, password)
            if not verified.ok:
                failure = lockout.record_failure(session, guard, now, CHILD_PICTURES)
                if failure.code == MiniCode.WRONG:
                    return ChildSignIn("wrong", attempts_left=failure.attempts_left)
                _lock_told(session, user, account, failure, now)
                return ChildSignIn(
                    failure.code,
                    minutes=failure.minutes,
                    parent_id=parent_id,
                    newly_locked=parent_id is not None,
                )
            assert user is not None and account is not None
            lockout.record_success(guard, now, second_factor=True)
            upgraded = upgrade_if_needed(self._hasher, verified, password)
            if upgraded is not None:
                user.picture_password_hash = upgraded
            return ChildSignIn(
                "signed_in",
                avatar=user.avatar,
                first_name=account.child_full_name.split()[0],
                parent_id=parent_id,
            )


def _lock_told(
    session: Session,
    user: MiniUser | None,
    account: MiniAccount | None,
    failure: lockout.Failure,
    now: datetime,
) -> None:
    """Audit a new lock or hold of a child's sign-in and tell the parent (a hold with the
    button that releases it)."""
    held = failure.code == MiniCode.HELD
    record_audit(
        session,
        at=now,
        actor="mini",
        action="mini_sign_in_held" if held else "mini_sign_in_locked",
        subject=f"mini_user:{user.id}" if user is not None else "mini_user:unknown",
    )
    if account is None:
        return
    data: dict[str, Any] = {
        "child": account.child_full_name.split()[0],
        "tries": CHILD_PICTURES.max_failures,
    }
    if held:
        data.update(child_ref=str(account.id), locks=lockout.LOCKS_BEFORE_HOLD)
    else:
        data.update(minutes=failure.minutes)
    queue_notice(
        session,
        customer_id=account.parent_id,
        kind="mini_child_held" if held else "mini_child_locked",
        data=data,
        now=now,
    )


def username_taken(session: Session, username: str) -> bool:
    """Whether a Cuenta Mini username is in use (case-insensitive)."""
    return (
        session.scalar(select(MiniUser.id).where(MiniUser.username_key == username.lower()))
        is not None
    )


def username_suggestions(session: Session, username: str) -> tuple[str, ...]:
    """Up to three free usernames built from a taken one."""
    base = username[: CHILD_USERNAME_MAX - 3]
    found: list[str] = []
    for _ in range(50):
        candidate = f"{base}{secrets.randbelow(900) + 100}"
        if candidate not in found and not username_taken(session, candidate):
            found.append(candidate)
        if len(found) == SUGGESTION_COUNT:
            break
    return tuple(found)


def recently_activated(session: Session, account_id: int, now: datetime) -> bool:
    """Whether the account's activation code was accepted in the last 30 minutes."""
    used = session.scalar(
        select(MiniActivationCode.id).where(
            MiniActivationCode.mini_account_id == account_id,
            MiniActivationCode.used_at.is_not(None),
            MiniActivationCode.used_at > now - CREATION_WINDOW,
        )
    )
    return used is not None


def add_user(
    session: Session,
    *,
    account: MiniAccount,
    username: str,
    avatar: str,
    password_hash: str,
    now: datetime,
    details: Mapping[str, Any] | None = None,
) -> ChildCreation:
    """Create the child's user in the caller's unit of work (the account row locked), after the
    rules: a code accepted in the last 30 minutes, one user per child, a free username. A racing
    creation that wins the database's unique rules is reported like the check it beat."""
    if not recently_activated(session, account.id, now):
        return ChildCreation("no_valid_code")
    if has_user(session, account.id):
        return ChildCreation("already_has_user")
    if username_taken(session, username):
        return ChildCreation("taken", suggestions=username_suggestions(session, username))
    user = MiniUser(
        mini_account_id=account.id,
        username=username,
        username_key=username.lower(),
        avatar=avatar,
        picture_password_hash=password_hash,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        if has_user(session, account.id):
            return ChildCreation("already_has_user")
        return ChildCreation("taken", suggestions=username_suggestions(session, username))
    record_audit(
        session,
        at=now,
        actor=f"mini:{account.id}",
        action="mini_user_created",
        subject=f"mini_user:{user.id}",
        details=details,
    )
    return ChildCreation("created")


def has_user(session: Session, account_id: int) -> bool:
    """Whether the Cuenta Mini already has its user."""
    found = session.scalar(select(MiniUser.id).where(MiniUser.mini_account_id == account_id))
    return found is not None
