"""Finding the tickets at the agents' desk: ticket numbers from commands, the tickets an agent
holds (the current one first), a ticket's notes and its journey."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.assist.tickets import ticket_data
from bank.models import TICKET_TAKEN, AssistAgent, AssistNote, AssistTicket, Journey

MAX_TICKET_DIGITS: Final = 12


def parse_ticket_number(value: int | str | None) -> int | None:
    """A ticket number from a command argument ("12", "#12", 12); None when it is none."""
    if value is None:
        return None
    text = str(value).strip().lstrip("#")
    if not text.isascii() or not text.isdigit() or len(text) > MAX_TICKET_DIGITS:
        return None
    return int(text)


def held_tickets(session: Session, agent_id: str) -> list[AssistTicket]:
    """The tickets an agent holds, the current one (focused last) first."""
    return list(
        session.scalars(
            select(AssistTicket)
            .where(AssistTicket.agent_id == agent_id, AssistTicket.state == TICKET_TAKEN)
            .order_by(AssistTicket.focused_at.desc(), AssistTicket.id.desc())
        )
    )


def ticket_notes(
    session: Session, ticket: AssistTicket, *, agent_id: str | None = None
) -> list[dict[str, Any]]:
    """The agents' private notes on a ticket, oldest first (agent_id, agent_name, at, text); with
    `agent_id`, only that agent's own (an agent never reads another agent's notes)."""
    query = (
        select(AssistNote, AssistAgent.display_name)
        .join(AssistAgent, AssistAgent.telegram_user_id == AssistNote.agent_id)
        .where(AssistNote.ticket_id == ticket.id)
        .order_by(AssistNote.id)
    )
    if agent_id is not None:
        query = query.where(AssistNote.agent_id == agent_id)
    rows = session.execute(query).all()
    return [
        {
            "agent_id": note.agent_id,
            "agent_name": name,
            "at": note.created_at.isoformat(),
            "text": note.text,
        }
        for note, name in rows
    ]


def held_ticket_data(
    session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
) -> dict[str, Any]:
    """A ticket the agent holds as the desk shows it: the ticket, its chat, the agent's own
    notes, and the numbers of every ticket the agent holds."""
    held = [t.id for t in held_tickets(session, me.telegram_user_id)]
    return {
        **ticket_data(ticket, now),
        "sender_id": ticket.sender_id,
        "agent_name": me.display_name,
        "notes": ticket_notes(session, ticket, agent_id=me.telegram_user_id),
        "held": held,
    }


def ticket_journey(session: Session, ticket: AssistTicket) -> Journey | None:
    """The ticket's journey, locked: its own row while active, else the chat's active journey
    of the same kind (None when the chat has none: the recorded row, ended, is returned)."""
    recorded = (
        session.get(Journey, ticket.journey_id, with_for_update=True, populate_existing=True)
        if ticket.journey_id is not None
        else None
    )
    if recorded is not None and recorded.active_key is not None:
        return recorded
    if ticket.journey_kind is not None:
        active = session.scalar(
            select(Journey)
            .where(Journey.active_key == f"{ticket.journey_kind}:{ticket.sender_id}")
            .with_for_update()
        )
        if active is not None:
            return active
    return recorded
