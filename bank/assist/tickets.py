"""The queue of tickets, the customer's side: open one, see the position, cancel, who holds it.

A ticket records why the customer wants a person, the journey and step they are in, and who
they are (masked). A chat has at most one open ticket (waiting, taken or in follow-up; the
database's unique `open_key` says so). Tickets nobody took within the wait limit move to
follow-up: the customer is given the call center, and agents still see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.assist.agents import TELEGRAM_CHAT_PREFIX, active_agents
from bank.assist.identity import identity_of_chat, identity_of_journey
from bank.assist.journeys import journey_of_chat
from bank.assist.outcome import AssistCode
from bank.audit import record_audit
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.identity import CustomerRefs
from bank.messages import CALL_CENTER
from bank.models import (
    TICKET_CANCELLED,
    TICKET_FOLLOW_UP,
    TICKET_TAKEN,
    TICKET_WAITING,
    AssistAgent,
    AssistTicket,
)
from bank.notifications import queue_chat_notice
from bank.outcome import Outcome

REASONS: Final = frozenset({"asked", "not_understood", "locked", "not_my_number"})
OPEN_STATES: Final = (TICKET_WAITING, TICKET_TAKEN, TICKET_FOLLOW_UP)
SYSTEM_ACTOR: Final = "system:assist"
NEW_TICKET_NOTICE: Final = "assist_new_ticket"
NO_AGENT_NOTICE: Final = "assist_no_agent"
NO_AGENT_HOURS_NOTICE: Final = "assist_no_agent_hours"  # when CALL_CENTER_HOURS is set
CUSTOMER_LEFT_NOTICE: Final = "assist_customer_left"


@dataclass(frozen=True)
class Holder:
    """The agent holding a chat: the ticket, the agent's Telegram user id and display name."""

    ticket: int
    agent_id: str
    agent_name: str

    @property
    def agent_sender_id(self) -> str:
        """The agent's chat with the bot ("tg:<user id>")."""
        return TELEGRAM_CHAT_PREFIX + self.agent_id


def minutes_since(moment: datetime, now: datetime) -> int:
    """Whole minutes from `moment` to `now`."""
    return max(0, int((now - moment).total_seconds() // 60))


def ticket_data(ticket: AssistTicket, now: datetime) -> dict[str, Any]:
    """A ticket as agents and the channel see it (masked identity, no customer text)."""
    return {
        "ticket": ticket.id,
        "state": ticket.state,
        "reason": ticket.reason,
        "journey": ticket.journey_kind or "",
        "step": ticket.journey_step or "",
        "identity_masked": ticket.identity_masked or "",
        "waiting_minutes": minutes_since(ticket.queued_at, now),
        "created_at": ticket.created_at.isoformat(),
    }


def load_open_ticket(session: Session, sender_id: str, *, lock: bool) -> AssistTicket | None:
    """The chat's open ticket (waiting, taken or in follow-up), locked when asked."""
    query = select(AssistTicket).where(AssistTicket.open_key == sender_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def queue_position(session: Session, ticket: AssistTicket) -> int:
    """1-based place of a waiting ticket in the queue (oldest first)."""
    ahead = session.scalar(
        select(func.count())
        .select_from(AssistTicket)
        .where(
            AssistTicket.state == TICKET_WAITING,
            or_(
                AssistTicket.queued_at < ticket.queued_at,
                and_(AssistTicket.queued_at == ticket.queued_at, AssistTicket.id < ticket.id),
            ),
        )
    )
    return int(ahead or 0) + 1


def waiting_count(session: Session) -> int:
    """How many tickets wait for an agent."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(AssistTicket)
            .where(AssistTicket.state == TICKET_WAITING)
        )
        or 0
    )


def end_ticket(ticket: AssistTicket, *, state: str, now: datetime) -> None:
    """The ticket is over (handed back, closed, cancelled): the chat may open another."""
    ticket.state, ticket.open_key, ticket.ended_at = state, None, now


def audit_ticket(
    session: Session, ticket: AssistTicket, *, now: datetime, actor: str, action: str, **extra: Any
) -> None:
    """An audit row about a ticket: subject the ticket, the customer by masked identity and ref."""
    record_audit(
        session,
        at=now,
        actor=actor,
        action=action,
        subject=f"ticket:{ticket.id}",
        details={
            "ticket": ticket.id,
            "identity_masked": ticket.identity_masked or "",
            "customer_ref": ticket.customer_ref or "",
            **extra,
        },
    )


def notify_agents(session: Session, ticket: AssistTicket, now: datetime) -> None:
    """Tell every active agent's chat that a ticket waits (masked identity, never a secret)."""
    waiting = waiting_count(session)
    for agent in active_agents(session):
        queue_chat_notice(
            session,
            sender_id=TELEGRAM_CHAT_PREFIX + agent.telegram_user_id,
            kind=NEW_TICKET_NOTICE,
            data={
                "ticket": ticket.id,
                "reason": ticket.reason,
                "journey": ticket.journey_kind or "",
                "step": ticket.journey_step or "",
                "identity_masked": ticket.identity_masked or "",
                "waiting": waiting,
            },
            now=now,
        )


class Tickets:
    """What the channel and the actions use on the customer's side of the queue."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        refs: CustomerRefs,
        wait_limit: timedelta,
        call_center_hours: str = "",
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._refs = refs
        self._wait_limit = wait_limit
        self._call_center_hours = call_center_hours

    def open(self, *, sender_id: str, reason: str) -> Outcome:
        """Ask for a person: `opened` (also back from follow-up), `already_waiting`,
        `with_agent`, `invalid_reason`. Data: the ticket, its position, agent_name."""
        if reason not in REASONS:
            return Outcome(AssistCode.INVALID_REASON, data={"allowed": sorted(REASONS)})
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            ticket = load_open_ticket(session, sender_id, lock=True)
            if ticket is None:
                ticket = self._insert(session, sender_id, reason, now)
                if ticket is not None:
                    return self._queued(session, ticket, now, action="assist.ticket_opened")
                ticket = load_open_ticket(session, sender_id, lock=True)
                assert ticket is not None, "the ticket another request opened"
            if ticket.state == TICKET_FOLLOW_UP:
                ticket.state, ticket.queued_at, ticket.follow_up_at = TICKET_WAITING, now, None
                ticket.reason = reason
                self._fill_context(session, ticket, now)
                return self._queued(session, ticket, now, action="assist.ticket_requeued")
            return self._existing(session, ticket, now)

    def position(self, *, sender_id: str) -> Outcome:
        """The chat's ticket: `waiting` (position), `with_agent` (agent_name), `follow_up`
        (call_center), `none`."""
        with unit_of_work(self._sessions) as session:
            ticket = load_open_ticket(session, sender_id, lock=False)
            if ticket is None:
                return Outcome(AssistCode.NONE)
            outcome = self._existing(session, ticket, self._clock.now())
            if outcome.code == AssistCode.ALREADY_WAITING:
                return Outcome(AssistCode.WAITING, data=outcome.data)
            return outcome

    def cancel(self, *, sender_id: str) -> Outcome:
        """The customer gives up: `cancelled` (data.was: the state it had), `none`. An agent who
        held the chat is told (`assist_customer_left`)."""
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            ticket = load_open_ticket(session, sender_id, lock=True)
            if ticket is None:
                return Outcome(AssistCode.NONE)
            was = ticket.state
            if was == TICKET_TAKEN and ticket.agent_id is not None:
                queue_chat_notice(
                    session,
                    sender_id=TELEGRAM_CHAT_PREFIX + ticket.agent_id,
                    kind=CUSTOMER_LEFT_NOTICE,
                    data={"ticket": ticket.id},
                    now=now,
                )
            end_ticket(ticket, state=TICKET_CANCELLED, now=now)
            audit_ticket(
                session,
                ticket,
                now=now,
                actor=f"sender:{sender_id}",
                action="assist.ticket_cancelled",
                was=was,
            )
            return Outcome(AssistCode.CANCELLED, data={"ticket": ticket.id, "was": was})

    def holder(self, *, sender_id: str) -> Holder | None:
        """The agent holding this chat, or None (one indexed query; called for every message)."""
        with unit_of_work(self._sessions) as session:
            row = session.execute(
                select(AssistTicket.id, AssistAgent.telegram_user_id, AssistAgent.display_name)
                .join(AssistAgent, AssistAgent.telegram_user_id == AssistTicket.agent_id)
                .where(AssistTicket.open_key == sender_id, AssistTicket.state == TICKET_TAKEN)
            ).first()
            return Holder(row[0], row[1], row[2]) if row is not None else None

    def expire_waiting(self, *, now: datetime | None = None) -> Outcome:
        """Tickets nobody took within the wait limit go to follow-up; each customer is told the
        call center (`assist_no_agent`). `expired` or `none`; data.tickets: ticket, sender_id."""
        moment = now or self._clock.now()
        expired: list[dict[str, Any]] = []
        with unit_of_work(self._sessions) as session:
            due = session.scalars(
                select(AssistTicket)
                .where(
                    AssistTicket.state == TICKET_WAITING,
                    AssistTicket.queued_at <= moment - self._wait_limit,
                )
                .order_by(AssistTicket.queued_at, AssistTicket.id)
            ).all()
            for ticket in due:
                # Conditional: of two bot instances expiring at once, one tells the customer.
                won = cast(
                    CursorResult[Any],
                    session.execute(
                        update(AssistTicket)
                        .where(AssistTicket.id == ticket.id, AssistTicket.state == TICKET_WAITING)
                        .values(state=TICKET_FOLLOW_UP, follow_up_at=moment)
                        .execution_options(synchronize_session=False)
                    ),
                )
                if won.rowcount != 1:
                    continue
                queue_chat_notice(
                    session,
                    sender_id=ticket.sender_id,
                    kind=NO_AGENT_HOURS_NOTICE if self._call_center_hours else NO_AGENT_NOTICE,
                    data={
                        "ticket": ticket.id,
                        "call_center": CALL_CENTER,
                        "hours": self._call_center_hours,
                    },
                    now=moment,
                )
                audit_ticket(
                    session, ticket, now=moment, actor=SYSTEM_ACTOR, action="assist.no_agent"
                )
                expired.append({"ticket": ticket.id, "sender_id": ticket.sender_id})
        return Outcome(
            AssistCode.EXPIRED if expired else AssistCode.NONE, data={"tickets": expired}
        )

    # Plumbing -----------------------------------------------------------------------------

    def _insert(
        self, session: Session, sender_id: str, reason: str, now: datetime
    ) -> AssistTicket | None:
        ticket = AssistTicket(
            sender_id=sender_id,
            open_key=sender_id,
            state=TICKET_WAITING,
            reason=reason,
            created_at=now,
            queued_at=now,
        )
        self._fill_context(session, ticket, now)
        try:
            with session.begin_nested():
                session.add(ticket)
        except IntegrityError:
            return None
        return ticket

    def _fill_context(self, session: Session, ticket: AssistTicket, now: datetime) -> None:
        """The journey, step and (masked) identity of the chat, as they are now."""
        journey = journey_of_chat(session, ticket.sender_id, now)
        identity = identity_of_journey(session, journey) if journey is not None else None
        identity = identity or identity_of_chat(session, ticket.sender_id)
        ticket.journey_kind = journey.kind if journey else None
        ticket.journey_id = journey.id if journey else None
        ticket.journey_step = journey.step if journey else None
        ticket.identity_key = identity.key if identity else None
        ticket.identity_masked = identity.masked if identity else None
        ticket.customer_ref = self._refs.ref(identity.key) if identity else None

    def _queued(
        self, session: Session, ticket: AssistTicket, now: datetime, *, action: str
    ) -> Outcome:
        session.flush()
        notify_agents(session, ticket, now)
        audit_ticket(
            session,
            ticket,
            now=now,
            actor=f"sender:{ticket.sender_id}",
            action=action,
            reason=ticket.reason,
            journey=ticket.journey_kind or "",
            step=ticket.journey_step or "",
        )
        data = ticket_data(ticket, now)
        data["position"] = queue_position(session, ticket)
        return Outcome(AssistCode.OPENED, data=data)

    def _existing(self, session: Session, ticket: AssistTicket, now: datetime) -> Outcome:
        data = ticket_data(ticket, now)
        if ticket.state == TICKET_WAITING:
            data["position"] = queue_position(session, ticket)
            return Outcome(AssistCode.ALREADY_WAITING, data=data)
        if ticket.state == TICKET_TAKEN:
            agent = session.get(AssistAgent, ticket.agent_id) if ticket.agent_id else None
            data["agent_name"] = agent.display_name if agent else ""
            return Outcome(AssistCode.WITH_AGENT, data=data)
        data["call_center"] = CALL_CENTER
        return Outcome(AssistCode.FOLLOW_UP, data=data)
