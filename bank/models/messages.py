"""What the bank tells customers: SMS and e-mail (the outbox), and notices for their chats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import SENDER_ID, Base


class OutboxMessage(Base):
    """An SMS or e-mail the bank "sent" (the local stand-in for the gateways)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str | None] = mapped_column(String(200), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CustomerChat(Base):
    """The chat a customer last signed in from: where the bank's notices reach them."""

    __tablename__ = "customer_chats"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    sender_id: Mapped[str] = mapped_column(SENDER_ID)
    linked_at: Mapped[datetime] = mapped_column(DateTime)


class CustomerNotification(Base):
    """A notice for a customer (an approval, a lock), delivered by the channel to their chat, or
    for a chat itself (`sender_id`, no customer: a child's "your code is ready")."""

    __tablename__ = "customer_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id"), index=True, default=None
    )
    sender_id: Mapped[str | None] = mapped_column(SENDER_ID, default=None)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, default=None, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
