"""A signed-in parent's children in "Cuenta para mis hijos": the buttons, and what a tap or a
typed name refers to."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.mini.accounts import as_child
from bank.mini.registration_steps import KIND as REGISTRATION_KIND
from bank.mini.registration_steps import first_name
from bank.models import Journey, MiniAccount, MiniUser
from bank.notifications import queue_chat_notice

MAX_REF_DIGITS: Final = 12
# What the parent journey remembers about the chosen child (forgotten when another is picked).
CHOICE_KEYS: Final = ("child_ref", "child_first_name", "has_user", "code_issued")


@dataclass(frozen=True)
class ChildChoice:
    """One child as a button: `ref` (str of the account id), given names, approved, has a user."""

    ref: str
    name: str
    approved: bool
    has_user: bool


def looks_like_ref(text: str | None) -> bool:
    """Whether `text` could be a child_ref (digits only, not absurdly long)."""
    ref = (text or "").strip()
    return ref.isascii() and ref.isdigit() and len(ref) <= MAX_REF_DIGITS


def _fold(text: str) -> str:
    """Lower case without accents or extra spaces ("Sofía " -> "sofia")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def accounts_of(session: Session, parent_id: int) -> list[MiniAccount]:
    """The parent's Cuenta Mini accounts, by name."""
    return list(
        session.scalars(
            select(MiniAccount)
            .where(MiniAccount.parent_id == parent_id)
            .order_by(MiniAccount.child_full_name)
        )
    )


def with_user(session: Session, account_ids: list[int]) -> set[int]:
    """Which of the accounts already have a Cuenta Mini user."""
    if not account_ids:
        return set()
    found = session.scalars(
        select(MiniUser.mini_account_id).where(MiniUser.mini_account_id.in_(account_ids))
    )
    return set(found)


def choices(session: Session, parent_id: int) -> list[ChildChoice]:
    """One ChildChoice per child of the parent, by name."""
    accounts = accounts_of(session, parent_id)
    users = with_user(session, [account.id for account in accounts])
    return [
        ChildChoice(
            ref=str(account.id),
            name=as_child(account).first_names,
            approved=as_child(account).approved,
            has_user=account.id in users,
        )
        for account in accounts
    ]


def find_child(session: Session, parent_id: int, text: str) -> MiniAccount | None:
    """The parent's child a child_ref or a typed given name refers to (None if not exactly one)."""
    accounts = accounts_of(session, parent_id)
    if looks_like_ref(text):
        return next((a for a in accounts if str(a.id) == text.strip()), None)
    typed = _fold(text)
    if not typed:
        return None
    matches = [account for account in accounts if typed in _names(account)]
    return matches[0] if len(matches) == 1 else None


def _names(account: MiniAccount) -> set[str]:
    given = _fold(as_child(account).first_names)
    return {*given.split(), given, _fold(account.child_full_name)}


def own_account(session: Session, parent_id: int, ref: object) -> MiniAccount | None:
    """The account `ref` names, if it is one of the parent's."""
    text = str(ref or "")
    if not looks_like_ref(text):
        return None
    account = session.get(MiniAccount, int(text))
    return account if account is not None and account.parent_id == parent_id else None


def is_approved(account: MiniAccount) -> bool:
    """Whether a code can be generated for the child."""
    return as_child(account).approved


def choice_data(session: Session, account: MiniAccount) -> dict[str, Any]:
    """What the parent journey remembers about the chosen child."""
    return {
        "child_ref": str(account.id),
        "child_first_name": first_name(account),
        "has_user": account.id in with_user(session, [account.id]),
    }


def tell_waiting_chats(session: Session, account: MiniAccount, *, now: datetime) -> list[int]:
    """Queue `mini_code_ready` to every chat whose open registration of the child asked for a
    code, and clear their request marks; the ids of the journeys told."""
    waiting = session.scalars(
        select(Journey)
        .where(
            Journey.kind == REGISTRATION_KIND,
            Journey.active_key.is_not(None),
            Journey.data["cedula"].as_string() == account.child_cedula,
        )
        .order_by(Journey.id)
        .with_for_update()
    )
    told: list[int] = []
    for journey in waiting:
        if not journey.data.get("code_requested_at"):
            continue
        queue_chat_notice(
            session,
            sender_id=journey.sender_id,
            kind="mini_code_ready",
            data={"child": first_name(account)},
            now=now,
        )
        journey.data = {k: v for k, v in journey.data.items() if k != "code_requested_at"}
        told.append(journey.id)
    return told
