"""Cuenta Mini accounts and users: a child's account, activation codes, the child's user, and
the parent's "Cuenta para mis hijos" session."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import PASSWORD_HASH, SENDER_ID, Base

# Cuenta Mini states
MINI_IN_APPROVAL = "in_approval"
MINI_APPROVED = "approved"


class MiniAccount(Base):
    """A child's Cuenta Mini, linked to the parent customer whose account it moves money with."""

    __tablename__ = "mini_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    child_full_name: Mapped[str] = mapped_column(String(200))
    child_cedula: Mapped[str] = mapped_column(String(10), unique=True)
    child_birth_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class MiniActivationCode(Base):
    """A 6-digit activation code for a child's registration, kept only as a keyed digest."""

    __tablename__ = "mini_activation_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    invalidated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    wrong_entries: Mapped[int] = mapped_column(Integer, default=0)


class ParentSession(Base):
    """A parent signed in (or signing in) to "Cuenta para mis hijos" from one chat."""

    __tablename__ = "parent_sessions"

    sender_id: Mapped[str] = mapped_column(SENDER_ID, primary_key=True)
    online_user_id: Mapped[int] = mapped_column(ForeignKey("online_users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # awaiting_token, active
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime)


class MiniUser(Base):
    """A child's Cuenta Mini user: a username, an avatar and a picture password (argon2id)."""

    __tablename__ = "mini_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), unique=True)
    username: Mapped[str] = mapped_column(String(20))
    username_key: Mapped[str] = mapped_column(String(20), unique=True)  # lower case
    avatar: Mapped[str] = mapped_column(String(40))
    picture_password_hash: Mapped[str] = mapped_column(PASSWORD_HASH)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Background music and sounds; off means the bot's messages to the child arrive silently.
    music_on: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
