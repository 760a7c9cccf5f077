"""The agents' queue: what waits, what is in follow-up, what an agent holds; taking a ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bank.assist.agents import agent_actor
from bank.assist.desk_tickets import held_ticket_data, held_tickets
from bank.assist.outcome import AssistCode
from bank.assist.tickets import audit_ticket, ticket_data
from bank.models import (
    TICKET_FOLLOW_UP,
    TICKET_TAKEN,
    TICKET_WAITING,
    AssistAgent,
    AssistTicket,
)
from bank.outcome import Outcome

TAKEABLE: Final = (TICKET_WAITING, TICKET_FOLLOW_UP)


def queue_view(session: Session, me: AssistAgent, now: datetime) -> Outcome:
    """`ok`: data.waiting (oldest first, with position), data.follow_up, data.mine."""
    waiting = session.scalars(
        select(AssistTicket)
        .where(AssistTicket.state == TICKET_WAITING)
        .order_by(AssistTicket.queued_at, AssistTicket.id)
    )
    follow_up = session.scalars(
        select(AssistTicket)
        .where(AssistTicket.state == TICKET_FOLLOW_UP)
        .order_by(AssistTicket.queued_at, AssistTicket.id)
    )
    mine = held_tickets(session, me.telegram_user_id)
    return Outcome(
        AssistCode.OK,
        data={
            "waiting": [
                {**ticket_data(t, now), "position": index}
                for index, t in enumerate(waiting, start=1)
            ],
            "follow_up": [ticket_data(t, now) for t in follow_up],
            "mine": [
                {**ticket_data(t, now), "current": index == 0} for index, t in enumerate(mine)
            ],
        },
    )


def take_ticket(session: Session, me: AssistAgent, number: int | None, now: datetime) -> Outcome:
    """Take a waiting (or follow-up) ticket: `taken` (it becomes the current one),
    `already_taken` (data.agent_name, data.yours), `unknown`. Of agents racing, one wins."""
    ticket = session.get(AssistTicket, number) if number is not None else None
    if ticket is None or ticket.state not in (TICKET_TAKEN, *TAKEABLE):
        return Outcome(AssistCode.UNKNOWN, data={"ticket": number or 0})
    won = cast(
        CursorResult[Any],
        session.execute(
            update(AssistTicket)
            .where(AssistTicket.id == ticket.id, AssistTicket.state.in_(TAKEABLE))
            .values(
                state=TICKET_TAKEN,
                agent_id=me.telegram_user_id,
                taken_at=now,
                focused_at=now,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    session.refresh(ticket)
    if won.rowcount != 1:
        holder = session.get(AssistAgent, ticket.agent_id) if ticket.agent_id else None
        return Outcome(
            AssistCode.ALREADY_TAKEN,
            data={
                "ticket": ticket.id,
                "agent_name": holder.display_name if holder else "",
                "yours": ticket.agent_id == me.telegram_user_id,
            },
        )
    audit_ticket(
        session,
        ticket,
        now=now,
        actor=agent_actor(me.telegram_user_id, me.display_name),
        action="assist.take",
    )
    return Outcome(AssistCode.TAKEN, data=held_ticket_data(session, me, ticket, now))
