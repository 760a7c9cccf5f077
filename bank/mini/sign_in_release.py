"""Releasing a held (or locked) Cuenta Mini sign-in, and telling the customer about a hold.

Who may release what (docs/mini.md, "Sign-in locks and holds"):
- the parent's "Cuenta para mis hijos" sign-in: an agent (`/desbloquear`, bank.assist.phone) or
  the customer's own online banking (`python -m bank release-sign-in`);
- a child's picture-password sign-in: the signed-in parent of that child ("Desbloquear a ..."),
  or an agent unlocking the child's cédula.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.gateways import MailGatewayFactory, SmsGatewayFactory
from bank.messages import sign_in_held_mail, sign_in_held_sms
from bank.mini import lockout
from bank.models import AdditionalUser, Customer, MiniUser, OnlineUser, SignInGuard

CHILD_GUARD_PREFIX = "mini:"


def child_guard_key(username_key: str) -> str:
    """The guard key of a child's username (kept apart from the parents' usernames)."""
    return CHILD_GUARD_PREFIX + username_key


def release_online_user(
    session: Session, user: OnlineUser, now: datetime, *, released_by: str, reason: str
) -> bool:
    """Release the parent's sign-in of `user`; True if it was held or locked."""
    guard = session.get(SignInGuard, user.username_key, with_for_update=True)
    if guard is None:
        return False
    return lockout.release(
        session,
        guard,
        now,
        released_by=released_by,
        reason=reason,
        subject=f"online_user:{user.id}",
    )


def release_customer(
    session: Session,
    *,
    customer_id: int,
    additional_user_id: int | None,
    now: datetime,
    released_by: str,
    reason: str,
) -> bool:
    """Release the sign-in of the customer's online user (if any); True if it was closed."""
    owner_key = f"{customer_id}:{additional_user_id or 0}"
    user = session.scalar(select(OnlineUser).where(OnlineUser.owner_key == owner_key))
    if user is None:
        return False
    return release_online_user(session, user, now, released_by=released_by, reason=reason)


def release_child(
    session: Session, *, mini_account_id: int, now: datetime, released_by: str, reason: str
) -> bool:
    """Release a child's picture-password sign-in; True if it was held or locked."""
    user = session.scalar(select(MiniUser).where(MiniUser.mini_account_id == mini_account_id))
    if user is None:
        return False
    guard = session.get(SignInGuard, child_guard_key(user.username_key), with_for_update=True)
    if guard is None:
        return False
    return lockout.release(
        session, guard, now, released_by=released_by, reason=reason, subject=f"mini_user:{user.id}"
    )


def child_is_closed(session: Session, *, mini_account_id: int, now: datetime) -> bool:
    """Whether a child's sign-in is held or locked right now (the parent may release it)."""
    user = session.scalar(select(MiniUser).where(MiniUser.mini_account_id == mini_account_id))
    if user is None:
        return False
    guard = session.get(SignInGuard, child_guard_key(user.username_key))
    return guard is not None and (lockout.is_held(guard) or lockout.locked_minutes(guard, now) > 0)


def tell_customer_of_hold(
    session: Session, user: OnlineUser, *, sms: SmsGatewayFactory, mail: MailGatewayFactory
) -> None:
    """SMS and e-mail to the person behind `user`: someone tried to sign in, it is held."""
    person = session.get(Customer, user.customer_id)
    if user.additional_user_id is not None:
        additional = session.get(AdditionalUser, user.additional_user_id)
        person = session.get(Customer, additional.person_id) if additional else None
    if person is None:
        return
    if person.mobile:
        sms(session).send_sms(person.mobile, sign_in_held_sms())
    if person.email:
        subject, body = sign_in_held_mail(name=person.full_name.split()[0])
        mail(session).send_mail(person.email, subject, body)
