"""Desk accounts: an agent's (or supervisor's) login name, role and argon2id password, and the
sign-in check with its lockout. Sessions are `bank.assist.desk_sessions`.

An agent's account belongs to an assist agent (a Telegram user id): it is usable only while that
agent is active, and acts on tickets as that agent. A supervisor's account may have no agent: it
watches the floor and reads every ticket and note, and takes none. Audit rows name the account:
"desk:<login>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bank.assist.agents import MAX_NAME_LENGTH, normalise_telegram_id
from bank.assist.desk_policy import (
    MAX_FAILED_SIGN_INS,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    SIGN_IN_LOCK_TIME,
)
from bank.audit import record_audit
from bank.clock import Clock
from bank.crypto import SecretHasher
from bank.db import SessionFactory, unit_of_work
from bank.models import DESK_ROLES, DESK_SUPERVISOR, AssistAgent, DeskAccount, DeskSession

LOGIN_PATTERN: Final = re.compile(r"[a-z][a-z0-9._-]{1,39}")
ADMIN_ACTOR: Final = "admin:cli"


class DeskCode(StrEnum):
    """What a desk-account call answered."""

    SET = "set"
    INVALID_LOGIN = "invalid_login"
    INVALID_ROLE = "invalid_role"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (an outcome name, not a password)
    NOT_AGENT = "not_agent"
    LOGIN_TAKEN = "login_taken"
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class DeskPrincipal:
    """Who a desk request acts as: the account, its role and the agent behind it."""

    login: str
    role: str
    agent_id: str | None
    display_name: str

    @property
    def actor(self) -> str:
        """How audit rows name this account."""
        return desk_actor(self.login)

    @property
    def can_act(self) -> bool:
        """Whether the account can take and work tickets (it is an agent's)."""
        return self.agent_id is not None

    @property
    def is_supervisor(self) -> bool:
        """Whether the account may see every agent's notes and the supervisor's pages."""
        return self.role == "supervisor"


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: `signed_in` (with the principal), `wrong` or `locked`."""

    code: DeskCode
    principal: DeskPrincipal | None = None
    locked_minutes: int = 0


def desk_actor(login: str) -> str:
    """The audit actor of a desk account."""
    return f"desk:{login}"


def normalise_login(login: str) -> str | None:
    """A login name in lower case, or None when it is not one (2-40: a-z, 0-9, . _ -)."""
    text = login.strip().lower()
    return text if LOGIN_PATTERN.fullmatch(text) else None


def password_problem(password: str) -> DeskCode | None:
    """WEAK_PASSWORD when the password is too short or too long, else None."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return DeskCode.WEAK_PASSWORD
    return None


def load_principal(session: Session, login: str) -> DeskPrincipal | None:
    """The account's principal (an agent's only while the agent is active), else None."""
    account = session.get(DeskAccount, login)
    if account is None:
        return None
    if account.agent_id is None:
        return DeskPrincipal(account.login, account.role, None, account.display_name)
    agent = session.get(AssistAgent, account.agent_id)
    if agent is None or not agent.active:
        return None
    return DeskPrincipal(account.login, account.role, agent.telegram_user_id, agent.display_name)


class DeskAccounts:
    """Creating desk accounts (the CLI, the demo seed) and checking a sign-in."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock, hasher: SecretHasher):
        self._sessions = session_factory
        self._clock = clock
        self._hasher = hasher

    def set_account(
        self,
        *,
        telegram_user_id: str | int,
        login: str,
        role: str,
        password: str,
        actor: str = ADMIN_ACTOR,
    ) -> DeskCode:
        """Give an active agent a desk login, a role and a password (a new one replaces the old
        and ends the lockout): `set`, or why not."""
        name = normalise_login(login)
        if name is None:
            return DeskCode.INVALID_LOGIN
        if role not in DESK_ROLES:
            return DeskCode.INVALID_ROLE
        weak = password_problem(password)
        if weak is not None:
            return weak
        agent_id = normalise_telegram_id(telegram_user_id)
        now = self._clock.now()
        password_hash = self._hasher.hash(password)
        with unit_of_work(self._sessions) as session:
            agent = session.get(AssistAgent, agent_id) if agent_id else None
            if agent is None or not agent.active:
                return DeskCode.NOT_AGENT
            account = NewAccount(name, role, agent.display_name, agent.telegram_user_id)
            return set_account_in(session, account, password_hash, now, actor)

    def set_supervisor(
        self, *, login: str, display_name: str, password: str, actor: str = ADMIN_ACTOR
    ) -> DeskCode:
        """A supervisor's account with no agent behind it (they watch and read, take nothing)."""
        name = normalise_login(login)
        shown = " ".join(display_name.split())
        if name is None or not 1 <= len(shown) <= MAX_NAME_LENGTH:
            return DeskCode.INVALID_LOGIN
        weak = password_problem(password)
        if weak is not None:
            return weak
        now = self._clock.now()
        password_hash = self._hasher.hash(password)
        with unit_of_work(self._sessions) as session:
            account = NewAccount(name, DESK_SUPERVISOR, shown, None)
            return set_account_in(session, account, password_hash, now, actor)

    def logins_by_agent(self) -> dict[str, tuple[str, str]]:
        """Agent id -> (desk login, role), for the agents that have a desk account."""
        with unit_of_work(self._sessions) as session:
            rows = session.execute(
                select(DeskAccount.agent_id, DeskAccount.login, DeskAccount.role).where(
                    DeskAccount.agent_id.is_not(None)
                )
            ).all()
            return {str(agent_id): (login, role) for agent_id, login, role in rows}

    def sign_in(self, *, login: str, password: str) -> SignIn:
        """Check a login and password. A locked account is refused even with the right password;
        an unknown login costs the same argon2 time as a known one."""
        now = self._clock.now()
        name = normalise_login(login) or ""
        with unit_of_work(self._sessions) as session:
            # Locked: parallel wrong passwords each count.
            account = session.get(DeskAccount, name, with_for_update=True) if name else None
            principal = load_principal(session, name) if account is not None else None
            if account is None or principal is None:
                self._hasher.verify(None, password)
                record_audit(
                    session,
                    at=now,
                    actor="desk:?",
                    action="desk.sign_in_refused",
                    subject="desk:?",
                    details={"result": DeskCode.WRONG.value},
                )
                return SignIn(DeskCode.WRONG)
            if account.locked_until is not None and account.locked_until > now:
                self._hasher.verify(None, password)
                minutes = _minutes_left(account.locked_until, now)
                _audit(session, now, name, "desk.sign_in_refused", DeskCode.LOCKED)
                return SignIn(DeskCode.LOCKED, locked_minutes=minutes)
            check = self._hasher.check(account.password_hash, password)
            if not check.ok:
                return _count_failure(session, account, now)
            if check.outdated:
                # An older cost or pepper: re-made now that the password is known.
                account.password_hash = self._hasher.hash(password)
            account.failed_sign_ins, account.locked_until = 0, None
            _audit(session, now, name, "desk.sign_in", DeskCode.SIGNED_IN)
            return SignIn(DeskCode.SIGNED_IN, principal=principal)


@dataclass(frozen=True)
class NewAccount:
    """What an account is made of, before its password is hashed in."""

    login: str
    role: str
    display_name: str
    agent_id: str | None


def set_account_in(
    session: Session, new: NewAccount, password_hash: str, now: datetime, actor: str
) -> DeskCode:
    """Create or replace a desk account inside the caller's unit of work."""
    login, role = new.login, new.role
    taken = session.get(DeskAccount, login)
    if taken is not None and taken.agent_id != new.agent_id:
        return DeskCode.LOGIN_TAKEN
    existing = (
        session.execute(
            select(DeskAccount).where(DeskAccount.agent_id == new.agent_id)
        ).scalar_one_or_none()
        if new.agent_id is not None
        else taken
    )
    if existing is not None and existing.login != login:
        # A new login for the agent: the old account and its sessions go.
        session.execute(delete(DeskSession).where(DeskSession.login == existing.login))
        session.delete(existing)
        session.flush()
        existing = None
    if existing is None:
        session.add(
            DeskAccount(
                login=login,
                agent_id=new.agent_id,
                display_name=new.display_name,
                role=role,
                password_hash=password_hash,
                failed_sign_ins=0,
                locked_until=None,
                created_at=now,
                password_set_at=now,
            )
        )
    else:
        existing.role, existing.password_hash = role, password_hash
        existing.display_name = new.display_name
        existing.failed_sign_ins, existing.locked_until = 0, None
        existing.password_set_at = now
    record_audit(
        session,
        at=now,
        actor=actor,
        action="desk.account_set",
        subject=f"desk:{login}",
        details={"login": login, "role": role, "agent_id": new.agent_id or ""},
    )
    return DeskCode.SET


def _count_failure(session: Session, account: DeskAccount, now: datetime) -> SignIn:
    account.failed_sign_ins += 1
    if account.failed_sign_ins >= MAX_FAILED_SIGN_INS:
        account.failed_sign_ins, account.locked_until = 0, now + SIGN_IN_LOCK_TIME
        _audit(session, now, account.login, "desk.account_locked", DeskCode.LOCKED)
        return SignIn(DeskCode.LOCKED, locked_minutes=_minutes_left(account.locked_until, now))
    _audit(session, now, account.login, "desk.sign_in_refused", DeskCode.WRONG)
    return SignIn(DeskCode.WRONG)


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def _audit(session: Session, now: datetime, login: str, action: str, result: DeskCode) -> None:
    record_audit(
        session,
        at=now,
        actor=desk_actor(login),
        action=action,
        subject=f"desk:{login}",
        details={"result": result.value},
    )
