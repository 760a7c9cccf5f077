"""What the web desk needs beyond `bank.assist_desk`: telling the customer's chat (through the
bank's chat notices, which the bot delivers), and reading a ticket as a desk account may see it
(an agent sees only their own private notes; a supervisor sees every note, and any ticket).

Notice kinds (data; the bot's `bot/telegram/assist/desk_notices.py` delivers them exactly as the
Telegram commands do):

- `assist_desk_joined`: ticket, agent_name (after a take: the customer meets the agent);
- `assist_desk_reply`: ticket, agent_name, text (the agent's message, as the agent typed it);
- `assist_desk_back`: ticket, agent_name (after a hand back or a close: the customer is told and
  the assistant resumes the chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select

from bank.assist.desk_tickets import ticket_notes
from bank.assist.tickets import ticket_data
from bank.assist.transcript import read_lines
from bank.clock import Clock, ecuador_clock_time
from bank.db import SessionFactory, unit_of_work
from bank.models import (
    TICKET_FOLLOW_UP,
    TICKET_TAKEN,
    TICKET_WAITING,
    AssistAgent,
    AssistTicket,
)
from bank.notifications import queue_chat_notice

DESK_JOINED: Final = "assist_desk_joined"
DESK_REPLY: Final = "assist_desk_reply"
DESK_BACK: Final = "assist_desk_back"
DESK_NOTICE_KINDS: Final = (DESK_JOINED, DESK_REPLY, DESK_BACK)

OPEN_STATES: Final = (TICKET_WAITING, TICKET_TAKEN, TICKET_FOLLOW_UP)


@dataclass(frozen=True)
class NoteView:
    """A private note as a desk account sees it."""

    agent_name: str
    time: str
    text: str
    mine: bool


class DeskCustomer:
    """Notices to the customer's chat, and the ticket reader of the desk."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def tell(self, *, kind: str, sender_id: str, data: dict[str, Any]) -> None:
        """Queue one of the desk's notices for the customer's chat (delivered by the bot)."""
        if kind not in DESK_NOTICE_KINDS:
            raise ValueError(f"not a desk notice kind: {kind}")
        with unit_of_work(self._sessions) as session:
            queue_chat_notice(
                session, sender_id=sender_id, kind=kind, data=data, now=self._clock.now()
            )

    def ticket(self, *, number: int) -> dict[str, Any] | None:
        """A ticket's data with its chat, state and holder (agent_id, agent_name), or None."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            ticket = session.get(AssistTicket, number)
            if ticket is None:
                return None
            holder = session.get(AssistAgent, ticket.agent_id) if ticket.agent_id else None
            return {
                **ticket_data(ticket, now),
                "sender_id": ticket.sender_id,
                "agent_id": ticket.agent_id or "",
                "agent_name": holder.display_name if holder else "",
            }

    def floor(self) -> dict[str, list[dict[str, Any]]]:
        """Every open ticket: `waiting` (oldest first, with position), `follow_up`, and `taken`
        (with agent_id and agent_name): the desk's queue page."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            rows = session.execute(
                select(AssistTicket, AssistAgent)
                .outerjoin(AssistAgent, AssistAgent.telegram_user_id == AssistTicket.agent_id)
                .where(AssistTicket.state.in_(OPEN_STATES))
                .order_by(AssistTicket.queued_at, AssistTicket.id)
            ).all()
        floor: dict[str, list[dict[str, Any]]] = {"waiting": [], "follow_up": [], "taken": []}
        for ticket, agent in rows:
            entry = ticket_data(ticket, now)
            if ticket.state == TICKET_WAITING:
                entry["position"] = len(floor["waiting"]) + 1
            if agent is not None and ticket.state == TICKET_TAKEN:
                entry.update(agent_id=agent.telegram_user_id, agent_name=agent.display_name)
            floor[ticket.state].append(entry)
        return floor

    def notes(self, *, number: int, viewer_agent_id: str, supervisor: bool) -> list[NoteView]:
        """The ticket's private notes the viewer may read: their own, or all for a supervisor."""
        with unit_of_work(self._sessions) as session:
            ticket = session.get(AssistTicket, number)
            if ticket is None:
                return []
            readable = ticket_notes(
                session, ticket, agent_id=None if supervisor else viewer_agent_id
            )
        return [
            NoteView(
                agent_name=note["agent_name"],
                time=ecuador_clock_time(note["at"]),
                text=note["text"],
                mine=note["agent_id"] == viewer_agent_id,
            )
            for note in readable
        ]

    def transcript(self, *, sender_id: str) -> list[dict[str, Any]]:
        """A chat's redacted transcript (for a supervisor reading a ticket they do not hold)."""
        with unit_of_work(self._sessions) as session:
            return [line.as_data() for line in read_lines(session, sender_id)]
