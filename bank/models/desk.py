"""The agents' web desk (issue 16): sign-in accounts of agents and supervisors, and their
server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import PASSWORD_HASH, Base

DESK_AGENT = "agent"
DESK_SUPERVISOR = "supervisor"
DESK_ROLES = (DESK_AGENT, DESK_SUPERVISOR)


class DeskAccount(Base):
    """A desk sign-in: a login name, a role and an argon2id password hash. An agent's account
    acts as that agent (assist_agents) and is switched off with them (`bank agents remove`); a
    supervisor's may have no agent (they watch, read every ticket and note, and take none)."""

    __tablename__ = "desk_accounts"

    login: Mapped[str] = mapped_column(String(40), primary_key=True)
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("assist_agents.telegram_user_id"), unique=True, default=None
    )
    # The name shown at the desk (an agent's is their agent display name).
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(PASSWORD_HASH)
    # Wrong passwords in a row; reaching the limit locks the account for a while.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_set_at: Mapped[datetime] = mapped_column(DateTime)


class DeskSession(Base):
    """A signed-in browser: the cookie carries a random token, the table only its SHA-256."""

    __tablename__ = "desk_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    login: Mapped[str] = mapped_column(ForeignKey("desk_accounts.login"), index=True)
    # Every form and every POST of this session must carry it (double submit is not enough: it
    # is compared with the server's copy).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
