"""Children's Cuenta Mini accounts: listing a parent's children and back-office approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.models import MINI_APPROVED, MINI_IN_APPROVAL, Customer, MiniAccount
from bank.notifications import queue_notice


@dataclass(frozen=True)
class MiniChild:
    """A child with a Cuenta Mini, as the parent sees it."""

    cedula: str
    full_name: str
    birth_date: date
    state: str

    @property
    def first_names(self) -> str:
        """The given names ("Andrea Estefanía" of "Andrea Estefanía Mora León")."""
        parts = self.full_name.split()
        return " ".join(parts[:-2]) if len(parts) > 2 else parts[0]

    @property
    def approved(self) -> bool:
        """Whether the parent can generate an activation code for this child."""
        return self.state == MINI_APPROVED


@dataclass(frozen=True)
class Approval:
    """`approved` (with the parent to tell), `already_approved` or `unknown`."""

    code: str
    parent_id: int | None = None
    parent_name: str = ""
    child: MiniChild | None = None


def lock_account(session: Session, child_cedula: str) -> MiniAccount | None:
    """The child's account row, locked for the rest of the unit of work (PostgreSQL)."""
    return session.scalars(
        select(MiniAccount)
        .where(MiniAccount.child_cedula == child_cedula.strip())
        .with_for_update()
    ).first()


def as_child(account: MiniAccount) -> MiniChild:
    """The account seen as its child (name, cédula, birth date, state)."""
    return MiniChild(
        cedula=account.child_cedula,
        full_name=account.child_full_name,
        birth_date=account.child_birth_date,
        state=account.state,
    )


class MiniAccounts:
    """Reads and approves Cuenta Mini accounts; each call is its own unit of work."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def children_of(self, parent_id: int) -> list[MiniChild]:
        """The parent's children with a Cuenta Mini, approved ones and pending ones, by name."""
        with unit_of_work(self._sessions) as session:
            accounts = session.scalars(
                select(MiniAccount)
                .where(MiniAccount.parent_id == parent_id)
                .order_by(MiniAccount.child_full_name)
            )
            return [as_child(account) for account in accounts]

    def approve(self, *, child_cedula: str, actor: str) -> Approval:
        """Back office: approve a pending account (audited)."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            account = lock_account(session, child_cedula)
            if account is None:
                return Approval("unknown")
            parent = session.get(Customer, account.parent_id)
            parent_name = parent.full_name if parent is not None else ""
            if account.state != MINI_IN_APPROVAL:
                return Approval(
                    "already_approved", account.parent_id, parent_name, as_child(account)
                )
            account.state, account.approved_at = MINI_APPROVED, now
            record_audit(
                session,
                at=now,
                actor=actor,
                action="mini_account_approved",
                subject=f"mini:{account.id}",
            )
            child = as_child(account)
            queue_notice(
                session,
                customer_id=account.parent_id,
                kind="mini_account_approved",
                data={"child": child.first_names},
                now=now,
            )
            return Approval("approved", account.parent_id, parent_name, child)
