"""Who is calling a Cuenta Mini money service: the chat's signed-in child or parent.

Every money call takes the chat's `sender_id` and resolves it here, so an action can never act
for another child or parent than the one signed in from that chat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.mini.outcome import MiniCode
from bank.mini.parent_sign_in import ParentStatus
from bank.models import MiniAccount
from bank.outcome import Outcome


class ChildSessions(Protocol):
    """`bank.mini_sign_in`: the chat's signed-in child."""

    def current_child(self, *, sender_id: str) -> Outcome:
        """`active` with data.mini_account_id, or `expired` / `none`."""
        ...


class ParentSessions(Protocol):
    """`bank.parent_sign_in`: the chat's signed-in parent."""

    def current_parent(self, *, sender_id: str) -> ParentStatus:
        """`active` with customer_id, or `expired` / `none`."""
        ...


@dataclass(frozen=True)
class Child:
    """The signed-in child: their Cuenta Mini and the chat they use."""

    mini_account_id: int
    first_name: str
    sender_id: str


@dataclass(frozen=True)
class Parent:
    """The signed-in parent (a customer) and the chat they use."""

    customer_id: int
    first_name: str
    sender_id: str


def signed_out(expired: bool) -> Outcome:
    """The answer to a call from a chat with nobody signed in (`expired` after idle minutes)."""
    return Outcome(MiniCode.SIGNED_OUT, None, {"expired": expired})


def given_names(account: MiniAccount) -> str:
    """The child's given names ("Andrea Estefanía" of "Andrea Estefanía Mora León")."""
    parts = account.child_full_name.split()
    return " ".join(parts[:-2]) if len(parts) > 2 else parts[0]


def first_name(account: MiniAccount) -> str:
    """The child's first given name ("Andrea")."""
    return account.child_full_name.split()[0]


@dataclass(frozen=True)
class FamilyWiring:
    """What every money service needs: the database, the time, and who is signed in where."""

    session_factory: SessionFactory
    clock: Clock
    children: ChildSessions
    parents: ParentSessions


class FamilyService:
    """Base of the money services: resolve the caller, then run one unit of work."""

    def __init__(self, wiring: FamilyWiring) -> None:
        self._sessions = wiring.session_factory
        self._clock = wiring.clock
        self._children = wiring.children
        self._parents = wiring.parents

    def _as_child(self, sender_id: str, work: Callable[[Session, Child], Outcome]) -> Outcome:
        status = self._children.current_child(sender_id=sender_id)
        if status.code != MiniCode.ACTIVE:
            return signed_out(status.code == MiniCode.EXPIRED)
        child = Child(
            mini_account_id=int(status.data["mini_account_id"]),
            first_name=str(status.data.get("first_name") or ""),
            sender_id=sender_id,
        )
        with unit_of_work(self._sessions) as session:
            return work(session, child)

    def _as_parent(self, sender_id: str, work: Callable[[Session, Parent], Outcome]) -> Outcome:
        status = self._parents.current_parent(sender_id=sender_id)
        if status.code != MiniCode.ACTIVE:
            return signed_out(status.code == MiniCode.EXPIRED)
        parent = Parent(status.customer_id, status.first_name, sender_id)
        with unit_of_work(self._sessions) as session:
            return work(session, parent)


def own_child(session: Session, parent: Parent, child_ref: object) -> MiniAccount | None:
    """The parent's approved child whose ref (account id) is `child_ref`, or None."""
    ref = str(child_ref or "").strip()
    if not ref.isdigit() or len(ref) > 12:
        return None
    account = session.get(MiniAccount, int(ref))
    if account is None or account.parent_id != parent.customer_id:
        return None
    return account
