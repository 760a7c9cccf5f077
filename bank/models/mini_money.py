"""Cuenta Mini money (issue 5): a child's goals, missions, lessons and requests to the parent."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import MONEY, SENDER_ID, Base

GOAL_ACTIVE = "active"
GOAL_WITHDRAWN = "withdrawn"
GOAL_REMOVED = "removed"
MISSION_OPEN = "open"
MISSION_CLAIMED = "claimed"
MISSION_REWARDED = "rewarded"
MISSION_REMOVED = "removed"
REQUEST_MONEY = "money"
REQUEST_WITHDRAWAL = "withdrawal"
REQUEST_MISSION = "mission"
REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_REJECTED = "rejected"


class MiniGoal(Base):
    """A child's savings goal: a name, an amount to reach and a picture."""

    __tablename__ = "mini_goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    target: Mapped[Decimal] = mapped_column(MONEY)
    picture: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class MiniMission(Base):
    """A mission a parent set for a child, with the reward paid from the parent's account."""

    __tablename__ = "mini_missions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    reward: Mapped[Decimal] = mapped_column(MONEY)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class MiniLesson(Base):
    """A bank learning mission (a lesson about saving) a child has completed."""

    __tablename__ = "mini_lessons"
    __table_args__ = (UniqueConstraint("mini_account_id", "lesson"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    lesson: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[datetime] = mapped_column(DateTime)


class MiniRequest(Base):
    """Something a child asks and the parent decides once: money, a withdrawal or a reward."""

    __tablename__ = "mini_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    reason: Mapped[str] = mapped_column(String(120), default="")
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("mini_goals.id"), default=None)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("mini_missions.id"), default=None)
    state: Mapped[str] = mapped_column(String(16), index=True)
    child_sender_id: Mapped[str] = mapped_column(SENDER_ID)  # the chat to tell the decision
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"), default=None)
