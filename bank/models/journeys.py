"""Customer journeys driven by a chat sender (registration, Cuenta Mini, ...) and their statuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import SENDER_ID, Base

# Journey statuses
ACTIVE = "active"
COMPLETED = "completed"
CANCELLED = "cancelled"
ENDED = "ended"


class Journey(Base):
    """One customer journey (registration today) driven by a chat sender."""

    __tablename__ = "journeys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[str] = mapped_column(SENDER_ID, index=True)
    # Equal to "<kind>:<sender_id>" while active, NULL afterwards: one active journey per
    # sender and kind, enforced by the database.
    active_key: Mapped[str | None] = mapped_column(String(240), unique=True, default=None)
    status: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    additional_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("additional_users.id"), default=None
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime)
