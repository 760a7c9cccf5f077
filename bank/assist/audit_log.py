"""Reading the audit log, filtered by agent or by customer (`python -m bank audit`).

Agent rows name the customer only masked; they carry `details.customer_ref`, the keyed hash of
the identity key (bank.identity.CustomerRefs), which is what a customer filter matches (under
the current key or the one before it: bank.keys).
The registration's own rows about an identity (locks, unlocks, SMS codes) have the identity key
as their subject and match too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from bank.assist.agents import normalise_telegram_id
from bank.db import SessionFactory, unit_of_work
from bank.identity import CustomerRefs, parse_identity_key
from bank.models import AuditEntry


@dataclass(frozen=True)
class AuditRow:
    """One audit row, detached from the database."""

    at: datetime
    actor: str
    action: str
    subject: str
    details: dict[str, Any]


class AuditLog:
    """Audit rows, oldest first."""

    def __init__(self, *, session_factory: SessionFactory, refs: CustomerRefs) -> None:
        self._sessions = session_factory
        self._refs = refs

    def read(
        self,
        *,
        agent: str | int | None = None,
        customer: str | None = None,
        limit: int | None = None,
    ) -> list[AuditRow]:
        """Rows by this agent (Telegram user id) and/or about this customer (cédula, RUC or
        RUC+cédula); the last `limit` rows when given. ValueError for a malformed filter."""
        query = select(AuditEntry)
        if agent is not None:
            telegram_id = normalise_telegram_id(agent)
            if telegram_id is None:
                raise ValueError("the agent is a Telegram user id (digits)")
            query = query.where(
                or_(
                    AuditEntry.actor == f"agent:{telegram_id}",
                    AuditEntry.actor.startswith(f"agent:{telegram_id} ", autoescape=True),
                )
            )
        if customer is not None:
            key = parse_identity_key(customer)
            query = query.where(
                or_(
                    AuditEntry.details["customer_ref"].as_string().in_(self._refs.refs(key)),
                    AuditEntry.subject == key,
                )
            )
        query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with unit_of_work(self._sessions) as session:
            rows = [
                AuditRow(row.at, row.actor, row.action, row.subject, dict(row.details or {}))
                for row in session.scalars(query)
            ]
        return rows[::-1]
