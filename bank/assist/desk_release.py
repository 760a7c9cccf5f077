"""Letting go of a held ticket: handing the chat back to the assistant (maybe at an earlier
step of its journey) or closing the ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bank.assist import journeys as assist_journeys
from bank.assist.agents import agent_actor
from bank.assist.desk_tickets import held_tickets, ticket_journey
from bank.assist.outcome import AssistCode
from bank.assist.tickets import audit_ticket, end_ticket
from bank.models import TICKET_CLOSED, TICKET_HANDED_BACK, AssistAgent, AssistTicket, Journey
from bank.outcome import Outcome
from bank.registration.context import Services


def hand_back(
    session: Session,
    me: AssistAgent,
    ticket: AssistTicket,
    now: datetime,
    *,
    step: str | None,
    services: Services,
) -> Outcome:
    """Give the chat back to the assistant, at the journey's current step or at an earlier
    `step` it can legitimately return to: `handed_back` (data.sender_id, journey, step,
    journey_active, went_back, next_ticket), `cannot_go_back` (data.can_return_to),
    `no_journey` (a step was asked but the chat has no active journey)."""
    journey = ticket_journey(session, ticket)
    went_back = False
    if step is not None and (journey is None or journey.active_key is None):
        return Outcome(AssistCode.NO_JOURNEY, data={"ticket": ticket.id})
    if step is not None and journey is not None and step != journey.step:
        went_back = assist_journeys.go_back_to(session, journey, step, now=now, services=services)
        if not went_back:
            return Outcome(
                AssistCode.CANNOT_GO_BACK,
                data={
                    "ticket": ticket.id,
                    "journey": journey.kind,
                    "step": journey.step,
                    "can_return_to": assist_journeys.return_steps(journey),
                },
            )
    assist_journeys.keep_alive(journey, now)
    return _release(
        session, me, ticket, journey, now, state=TICKET_HANDED_BACK, went_back=went_back
    )


def close_ticket(session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime) -> Outcome:
    """End the held ticket: `closed` (data.sender_id, journey, step, journey_active,
    next_ticket); the assistant answers the customer again."""
    journey = ticket_journey(session, ticket)
    return _release(session, me, ticket, journey, now, state=TICKET_CLOSED)


def _release(
    session: Session,
    me: AssistAgent,
    ticket: AssistTicket,
    journey: Journey | None,
    now: datetime,
    *,
    state: str,
    went_back: bool = False,
) -> Outcome:
    end_ticket(ticket, state=state, now=now)
    session.flush()
    action = "assist.hand_back" if state == TICKET_HANDED_BACK else "assist.close"
    data: dict[str, Any] = {
        "ticket": ticket.id,
        "sender_id": ticket.sender_id,
        "journey": journey.kind if journey else "",
        "step": journey.step if journey else "",
        "journey_active": bool(journey and journey.active_key is not None),
    }
    extra = {"journey": data["journey"], "step": data["step"]}
    if state == TICKET_HANDED_BACK:
        data["went_back"] = extra["went_back"] = went_back
    audit_ticket(
        session,
        ticket,
        now=now,
        actor=agent_actor(me.telegram_user_id, me.display_name),
        action=action,
        **extra,
    )
    remaining = held_tickets(session, me.telegram_user_id)
    data["next_ticket"] = remaining[0].id if remaining else None
    return Outcome(AssistCode(state), data=data)
