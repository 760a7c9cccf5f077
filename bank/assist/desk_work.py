"""Working on a held ticket: reading the chat's transcript and state, replying, private notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bank.assist import journeys as assist_journeys
from bank.assist.agents import agent_actor
from bank.assist.desk_tickets import ticket_notes
from bank.assist.identity import identity_from_text, identity_of_chat, identity_of_journey
from bank.assist.outcome import AssistCode
from bank.assist.state import describe
from bank.assist.tickets import audit_ticket
from bank.assist.transcript import AGENT, append_line, read_lines
from bank.chat_redaction import redact_chat_text
from bank.models import AssistAgent, AssistNote, AssistTicket, Journey
from bank.outcome import Outcome


def transcript_view(session: Session, ticket: AssistTicket) -> Outcome:
    """The held chat's redacted transcript: `ok` (data.lines: role, at, time, author, text)."""
    lines = [line.as_data() for line in read_lines(session, ticket.sender_id)]
    return Outcome(AssistCode.OK, data={"ticket": ticket.id, "lines": lines})


def state_view(session: Session, ticket: AssistTicket, now: datetime) -> Outcome:
    """The held customer's journeys, steps, locks, SMS-code counters and whether they have a
    user: `ok`. Never a secret."""
    chat = assist_journeys.active_journeys_of_chat(session, ticket.sender_id)
    main = assist_journeys.journey_of_chat(session, ticket.sender_id, now)
    if not chat and ticket.journey_id is not None:
        recorded = session.get(Journey, ticket.journey_id)
        chat = [recorded] if recorded is not None else []
    identity = identity_of_journey(session, main) if main is not None else None
    if identity is None and ticket.identity_key:
        identity = identity_from_text(session, ticket.identity_key)
    identity = identity or identity_of_chat(session, ticket.sender_id)
    view = describe(session, now=now, identity=identity, chat_journeys=chat)
    return Outcome(AssistCode.OK, data={"ticket": ticket.id, **view})


def reply_to_customer(
    session: Session, me: AssistAgent, ticket: AssistTicket, text: str, now: datetime
) -> Outcome:
    """Record the agent's message to the held customer (transcript, role "asesor"):
    `sent` (data.sender_id and data.agent_name for the channel to relay it), `empty`."""
    if not text.strip():
        return Outcome(AssistCode.EMPTY, data={"ticket": ticket.id})
    append_line(
        session,
        sender_id=ticket.sender_id,
        role=AGENT,
        text=text,
        now=now,
        author=me.display_name,
    )
    audit_ticket(
        session,
        ticket,
        now=now,
        actor=agent_actor(me.telegram_user_id, me.display_name),
        action="assist.reply",
    )
    return Outcome(
        AssistCode.SENT,
        data={
            "ticket": ticket.id,
            "sender_id": ticket.sender_id,
            "agent_name": me.display_name,
        },
    )


def add_note(
    session: Session, me: AssistAgent, ticket: AssistTicket, text: str, now: datetime
) -> Outcome:
    """A private note on the held ticket (redacted; never shown to the customer):
    `noted` (data.notes: how many the ticket has), `empty`."""
    if not text.strip():
        return Outcome(AssistCode.EMPTY, data={"ticket": ticket.id})
    session.add(
        AssistNote(
            ticket_id=ticket.id,
            agent_id=me.telegram_user_id,
            text=redact_chat_text(text),
            created_at=now,
        )
    )
    session.flush()
    audit_ticket(
        session,
        ticket,
        now=now,
        actor=agent_actor(me.telegram_user_id, me.display_name),
        action="assist.note",
    )
    notes = len(ticket_notes(session, ticket))
    return Outcome(AssistCode.NOTED, data={"ticket": ticket.id, "notes": notes})
