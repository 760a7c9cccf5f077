"""Assisted mode (issue 6): call-center agents, their tickets and notes, and the chats'
redacted transcripts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import SENDER_ID, Base

TICKET_WAITING = "waiting"
TICKET_TAKEN = "taken"
TICKET_FOLLOW_UP = "follow_up"
TICKET_HANDED_BACK = "handed_back"
TICKET_CLOSED = "closed"
TICKET_CANCELLED = "cancelled"


class AssistAgent(Base):
    """A call-center agent: a Telegram user the bank lets use the agent commands."""

    __tablename__ = "assist_agents"

    telegram_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[datetime] = mapped_column(DateTime)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class AssistTicket(Base):
    """A customer's request for a person: waiting in the queue, held by an agent, or over."""

    __tablename__ = "assist_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the ticket number
    sender_id: Mapped[str] = mapped_column(SENDER_ID, index=True)
    # Equal to sender_id while waiting, taken or in follow-up, NULL once over: one open ticket
    # per chat, enforced by the database (and the one-query lookup of who holds a chat).
    open_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    state: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    journey_kind: Mapped[str | None] = mapped_column(String(32), default=None)
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journeys.id"), default=None)
    journey_step: Mapped[str | None] = mapped_column(String(40), default=None)
    # Who the customer is (or says they are): the identity key (not a secret, never shown to an
    # agent), its masked form, and its keyed hash (what audit rows are filtered on).
    identity_key: Mapped[str | None] = mapped_column(String(40), default=None)
    identity_masked: Mapped[str | None] = mapped_column(String(60), default=None)
    customer_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("assist_agents.telegram_user_id"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    queued_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # The ticket an agent holding several works on is the one focused last.
    focused_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class AssistNote(Base):
    """An agent's private note on a ticket (redacted; never shown to the customer)."""

    __tablename__ = "assist_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("assist_tickets.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("assist_agents.telegram_user_id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AssistTranscriptLine(Base):
    """One line of a chat's rolling transcript, redacted before it is stored."""

    __tablename__ = "assist_transcript_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(SENDER_ID, index=True)
    role: Mapped[str] = mapped_column(String(16))  # cliente, asistente, asesor
    author: Mapped[str | None] = mapped_column(String(80), default=None)  # the agent's name
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
