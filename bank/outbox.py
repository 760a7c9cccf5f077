"""Reading the outbox: what the bank "sent" by SMS and e-mail (local stand-in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bank.db import SessionFactory, unit_of_work
from bank.models import OutboxMessage
from bank.validators import validate_phone


@dataclass(frozen=True)
class SentMessage:
    """One outbox message, detached from the database."""

    id: int
    channel: str
    recipient: str
    subject: str | None
    body: str
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "channel": self.channel,
            "recipient": self.recipient,
            "subject": self.subject,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
        }


def normalise_recipient(text: str) -> str:
    """An e-mail in lower case, or a phone as E.164 ("0991234567" -> "+593991234567")."""
    value = text.strip()
    if "@" in value:
        return value.lower()
    phone = validate_phone(value)
    return phone.value if phone.ok else value


def read_outbox(session_factory: SessionFactory, *, to: str | None = None) -> list[SentMessage]:
    """Messages, oldest first (newest last), optionally only those sent to `to`."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.recipient == normalise_recipient(to))
    with unit_of_work(session_factory) as session:
        return [
            SentMessage(
                id=row.id,
                channel=row.channel,
                recipient=row.recipient,
                subject=row.subject,
                body=row.body,
                created_at=row.created_at,
            )
            for row in session.scalars(query)
        ]
