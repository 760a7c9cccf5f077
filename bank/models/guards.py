"""Guards against guessing: failure counters, locks and their history, rate-limit hits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import Base


class IdentityGuard(Base):
    """Failure counters and locks for one identity key (RUC, or RUC+cédula)."""

    __tablename__ = "identity_guards"

    identity_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    held_for_agent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Locks before this moment no longer count for the "third lock in 24 hours" rule.
    history_reset_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    otp_locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class IdentityLockEvent(Base):
    """One lock of an identity (history for the 24-hour rule)."""

    __tablename__ = "identity_lock_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(40), index=True)
    locked_at: Mapped[datetime] = mapped_column(DateTime)
    held: Mapped[bool] = mapped_column(Boolean, default=False)


class SignInGuard(Base):
    """Failed sign-ins per username (known or not), and the lock or hold they lead to."""

    __tablename__ = "sign_in_guards"

    username_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Wrong second-factor codes in a row (Token digital); a right password does not reset them.
    token_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when the sign-in is held until someone releases it (`token`, `locks`); None when open.
    held_reason: Mapped[str | None] = mapped_column(String(24), default=None)
    held_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Locks before this moment no longer count for the "third lock in 24 hours" rule.
    history_reset_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SignInLockEvent(Base):
    """One lock of a sign-in username key (history for the "third lock in 24 hours" rule)."""

    __tablename__ = "sign_in_lock_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username_key: Mapped[str] = mapped_column(String(40), index=True)
    locked_at: Mapped[datetime] = mapped_column(DateTime)
    held: Mapped[bool] = mapped_column(Boolean, default=False)


class RateLimitHit(Base):
    """One counted attempt in a named bucket (sliding-window rate limits; keys hold no PII)."""

    __tablename__ = "rate_limit_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(120), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
