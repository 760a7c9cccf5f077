"""The journey state an agent may see: journeys and steps, locks, SMS-code counters, user or not.

Built only from counters, steps and times. Nothing here reads a hash, a ciphertext or a secret
box; the view never holds a PIN, password, code, picture password or challenge answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank import guards, otp
from bank.assist import journeys as assist_journeys
from bank.assist.identity import Identity
from bank.mini.sign_in_release import CHILD_GUARD_PREFIX
from bank.models import (
    IdentityGuard,
    Journey,
    MiniAccount,
    MiniUser,
    OnlineUser,
    OtpChallenge,
    ParentSession,
    SignInGuard,
)
from bank.registration.lookup import identity_key_of, owner_key

OPEN_LOCK: dict[str, Any] = {"state": "open", "minutes": 0, "until": ""}


def describe(
    session: Session,
    *,
    now: datetime,
    identity: Identity | None,
    chat_journeys: Iterable[Journey] = (),
) -> dict[str, Any]:
    """The state view (docs/assist.md): the chat's journeys first, then the identity's others."""
    seen: set[int] = set()
    entries: list[dict[str, Any]] = []
    for journey in chat_journeys:
        seen.add(journey.id)
        entries.append(_journey_entry(journey, now, same_chat=True))
    if identity is not None:
        for journey in journeys_of_identity(session, identity):
            if journey.id not in seen:
                seen.add(journey.id)
                entries.append(_journey_entry(journey, now, same_chat=False))
    view: dict[str, Any] = {
        "identity_masked": identity.masked if identity else "",
        "identity_verified": bool(identity and identity.verified),
        "known_customer": bool(identity and identity.known),
        "has_user": has_user(session, identity) if identity else False,
        "journeys": entries,
        "lock": identity_lock(session, identity.key, now) if identity else dict(OPEN_LOCK),
        "sign_in_lock": sign_in_lock(session, identity, now) if identity else dict(OPEN_LOCK),
        "otp": otp_state(session, identity.key, now) if identity else otp_state_empty(),
    }
    return view


def journeys_of_identity(session: Session, identity: Identity) -> list[Journey]:
    """Active journeys about this identity, in any chat."""
    found: list[Journey] = []
    active = Journey.active_key.is_not(None)
    number = identity.key.partition("+")[0]
    candidates = {number, number[:10]} if number.endswith("001") else {number}
    registrations = session.scalars(
        select(Journey).where(
            active,
            Journey.kind == assist_journeys.REGISTRATION,
            Journey.data["id_number"].as_string().in_(sorted(candidates)),
        )
    )
    found += [j for j in registrations if identity_key_of(j.data) == identity.key]
    if identity.mini_account_id is not None:
        account = session.get(MiniAccount, identity.mini_account_id)
        if account is not None:
            found += session.scalars(
                select(Journey).where(
                    active,
                    Journey.kind == assist_journeys.MINI_REGISTRATION,
                    Journey.data["cedula"].as_string() == account.child_cedula,
                )
            )
            found += session.scalars(
                select(Journey).where(
                    active,
                    Journey.kind == assist_journeys.MINI_SESSION,
                    Journey.data["mini_account_id"].as_integer() == account.id,
                )
            )
    user = _online_user(session, identity)
    if user is not None:
        found += session.scalars(
            select(Journey)
            .join(ParentSession, ParentSession.sender_id == Journey.sender_id)
            .where(
                active,
                Journey.kind == assist_journeys.MINI_PARENT,
                ParentSession.online_user_id == user.id,
            )
        )
    return sorted(found, key=lambda j: j.last_activity_at, reverse=True)


def has_user(session: Session, identity: Identity) -> bool:
    """Whether the identity already has an online user (or, for a child, a Cuenta Mini user)."""
    if _online_user(session, identity) is not None:
        return True
    return _mini_user(session, identity) is not None


def identity_lock(session: Session, identity_key: str, now: datetime) -> dict[str, Any]:
    """The identity's PIN lock: open (with the tries left before a lock), locked for some
    minutes, or held until an agent unlocks it."""
    guard = session.get(IdentityGuard, identity_key)
    status = guards.lock_status(guard, now)
    until = guard.locked_until if guard is not None and status.state == "locked" else None
    failures = guard.consecutive_failures if guard is not None else 0
    return {
        "state": status.state,
        "minutes": status.minutes,
        "until": until.isoformat() if until else "",
        "failures": failures,
        "attempts_left": guards.MAX_CONSECUTIVE_FAILURES - failures if status.is_open else 0,
    }


def sign_in_lock(session: Session, identity: Identity, now: datetime) -> dict[str, Any]:
    """The lock of the identity's username after wrong passwords (or picture passwords)."""
    key: str | None = None
    user = _online_user(session, identity)
    if user is not None:
        key = user.username_key
    else:
        child = _mini_user(session, identity)
        key = CHILD_GUARD_PREFIX + child.username_key if child is not None else None
    guard = session.get(SignInGuard, key) if key else None
    if guard is not None and guard.held_reason is not None:
        return {"state": "held", "minutes": 0, "until": ""}  # until an agent (or parent) releases
    if guard is None or guard.locked_until is None or guard.locked_until <= now:
        return dict(OPEN_LOCK)
    return {
        "state": "locked",
        "minutes": guards.minutes_until(guard.locked_until, now),
        "until": guard.locked_until.isoformat(),
    }


def otp_state(session: Session, identity_key: str, now: datetime) -> dict[str, Any]:
    """The SMS code's counters: is one valid, tries left, expiry, codes left, blocked minutes."""
    latest = session.scalar(
        select(OtpChallenge)
        .where(
            OtpChallenge.identity_key == identity_key,
            OtpChallenge.consumed_at.is_(None),
            OtpChallenge.invalidated_at.is_(None),
        )
        .order_by(OtpChallenge.created_at.desc(), OtpChallenge.id.desc())
        .limit(1)
    )
    sent = session.scalar(
        select(func.count())
        .select_from(OtpChallenge)
        .where(
            OtpChallenge.identity_key == identity_key,
            OtpChallenge.created_at > now - otp.SEND_WINDOW,
        )
    )
    blocked = guards.otp_block_status(session.get(IdentityGuard, identity_key), now)
    view = otp_state_empty()
    view["codes_left"] = max(0, otp.MAX_CODES_PER_WINDOW - int(sent or 0))
    view["blocked_minutes"] = 0 if blocked.is_open else blocked.minutes
    if latest is not None:
        attempts_left = max(0, otp.MAX_WRONG_ENTRIES - latest.wrong_attempts)
        seconds = max(0, int((latest.expires_at - now).total_seconds()))
        view.update(
            code_active=seconds > 0 and attempts_left > 0 and blocked.is_open,
            attempts_left=attempts_left,
            expires_at=latest.expires_at.isoformat(),
            expires_in_seconds=seconds,
        )
    return view


def otp_state_empty() -> dict[str, Any]:
    """The SMS-code view when no code is open."""
    return {
        "code_active": False,
        "attempts_left": 0,
        "expires_at": "",
        "expires_in_seconds": 0,
        "codes_left": otp.MAX_CODES_PER_WINDOW,
        "blocked_minutes": 0,
    }


def _journey_entry(journey: Journey, now: datetime, *, same_chat: bool) -> dict[str, Any]:
    active = journey.active_key is not None
    return {
        "journey": journey.kind,
        "step": journey.step,
        "active": active,
        "idle_minutes": assist_journeys.idle_minutes(journey, now),
        "expired": assist_journeys.is_expired(journey, now),
        "same_chat": same_chat,
        "can_return_to": assist_journeys.return_steps(journey) if same_chat else [],
    }


def _online_user(session: Session, identity: Identity) -> OnlineUser | None:
    if identity.customer_id is None:
        return None
    return session.scalar(
        select(OnlineUser).where(
            OnlineUser.owner_key == owner_key(identity.customer_id, identity.additional_user_id)
        )
    )


def _mini_user(session: Session, identity: Identity) -> MiniUser | None:
    if identity.mini_account_id is None:
        return None
    return session.scalar(
        select(MiniUser).where(MiniUser.mini_account_id == identity.mini_account_id)
    )
