"""Secrets the bank keeps for minutes, never in clear: SMS one-time codes and typed secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import SENDER_ID, Base


class OtpChallenge(Base):
    """A one-time code sent by SMS, stored only as a keyed hash."""

    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id"), index=True)
    identity_key: Mapped[str] = mapped_column(String(40), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    consumed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    invalidated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    wrong_attempts: Mapped[int] = mapped_column(Integer, default=0)


class SecretBoxEntry(Base):
    """A secret typed by a customer, encrypted, single use, minutes of life."""

    __tablename__ = "secret_box"

    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    sender_id: Mapped[str] = mapped_column(SENDER_ID)
    kind: Mapped[str] = mapped_column(String(16))
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
