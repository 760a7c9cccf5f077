"""A chat's rolling transcript for agents: the last 40 lines, redacted before they are stored.

The channel appends what the customer typed ("cliente") and what the assistant answered
("asistente"); an agent's replies are appended as "asesor" by the desk. A secret the channel
collected is appended with `secret=True` and stored only as the fixed marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bank.chat_redaction import redact_line
from bank.clock import Clock, ecuador_time
from bank.db import SessionFactory, unit_of_work
from bank.models import AssistTranscriptLine

CUSTOMER: Final = "cliente"
ASSISTANT: Final = "asistente"
AGENT: Final = "asesor"
ROLES: Final = frozenset({CUSTOMER, ASSISTANT, AGENT})
MAX_LINES: Final = 40


@dataclass(frozen=True)
class Line:
    """One stored line: who, when (naive UTC), the agent's name for "asesor", and the text."""

    role: str
    at: datetime
    text: str
    author: str | None = None

    def as_data(self) -> dict[str, Any]:
        """The line for an outcome: role, at (ISO, UTC), time (HH:MM in Ecuador), author, text."""
        return {
            "role": self.role,
            "at": self.at.isoformat(),
            "time": ecuador_time(self.at).strftime("%H:%M"),
            "author": self.author or "",
            "text": self.text,
        }


def append_line(
    session: Session,
    *,
    sender_id: str,
    role: str,
    text: str,
    now: datetime,
    secret: bool = False,
    author: str | None = None,
) -> None:
    """Inside the caller's unit of work: store one redacted line and drop all but the last 40."""
    if role not in ROLES:
        raise ValueError(f"unknown transcript role {role!r}")
    session.add(
        AssistTranscriptLine(
            sender_id=sender_id,
            role=role,
            author=author,
            text=redact_line(text, secret=secret),
            at=now,
        )
    )
    session.flush()
    oldest_kept = session.scalar(
        select(AssistTranscriptLine.id)
        .where(AssistTranscriptLine.sender_id == sender_id)
        .order_by(AssistTranscriptLine.id.desc())
        .offset(MAX_LINES - 1)
        .limit(1)
    )
    if oldest_kept is not None:
        session.execute(
            delete(AssistTranscriptLine)
            .where(
                AssistTranscriptLine.sender_id == sender_id,
                AssistTranscriptLine.id < oldest_kept,
            )
            .execution_options(synchronize_session=False)
        )


def read_lines(session: Session, sender_id: str) -> list[Line]:
    """The chat's stored lines, oldest first."""
    rows = session.scalars(
        select(AssistTranscriptLine)
        .where(AssistTranscriptLine.sender_id == sender_id)
        .order_by(AssistTranscriptLine.id)
    )
    return [Line(row.role, row.at, row.text, row.author) for row in rows]


class Transcripts:
    """What the channel uses to keep each chat's transcript."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def append(self, *, sender_id: str, role: str, text: str, secret: bool = False) -> None:
        """Add a "cliente" or "asistente" line (redacted; `secret=True` stores only the marker)."""
        with unit_of_work(self._sessions) as session:
            append_line(
                session,
                sender_id=sender_id,
                role=role,
                text=text,
                now=self._clock.now(),
                secret=secret,
            )

    def lines(self, *, sender_id: str) -> list[Line]:
        """The chat's last lines, oldest first (the desk shows them to the agent holding it)."""
        with unit_of_work(self._sessions) as session:
            return read_lines(session, sender_id)
