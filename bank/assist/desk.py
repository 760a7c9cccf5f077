"""The agents' desk: the queue, taking tickets, the held chats' transcript and state, replies,
private notes, handing back to the assistant, closing.

Every call names the agent by Telegram user id; anyone who is not an active agent gets
`not_agent` and nothing else. An agent may hold several tickets: calls without a ticket number
act on the agent's current one (the last taken or switched to).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bank.assist import journeys as assist_journeys
from bank.assist.agents import agent_actor, load_active_agent
from bank.assist.identity import identity_from_text, identity_of_chat, identity_of_journey
from bank.assist.outcome import NOT_AGENT, AssistOutcome
from bank.assist.state import describe
from bank.assist.tickets import audit_ticket, end_ticket, ticket_data
from bank.assist.transcript import AGENT, append_line, read_lines
from bank.chat_redaction import redact_chat_text
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.models import (
    TICKET_CLOSED,
    TICKET_FOLLOW_UP,
    TICKET_HANDED_BACK,
    TICKET_TAKEN,
    TICKET_WAITING,
    AssistAgent,
    AssistNote,
    AssistTicket,
    Journey,
)
from bank.registration.context import Services

TAKEABLE: Final = (TICKET_WAITING, TICKET_FOLLOW_UP)
MAX_TICKET_DIGITS: Final = 12

Work = Callable[[Session, AssistAgent, datetime], AssistOutcome]
TicketWork = Callable[[Session, AssistAgent, AssistTicket, datetime], AssistOutcome]


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


class AssistDesk:
    """What the channel uses for an agent's commands."""

    def __init__(
        self, *, session_factory: SessionFactory, clock: Clock, services: Services
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._services = services

    # The queue ----------------------------------------------------------------------------

    def queue(self, *, agent: str | int) -> AssistOutcome:
        """`ok`: data.waiting (oldest first, with position), data.follow_up, data.mine."""

        def work(session: Session, me: AssistAgent, now: datetime) -> AssistOutcome:
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
            return AssistOutcome(
                "ok",
                {
                    "waiting": [
                        {**ticket_data(t, now), "position": index}
                        for index, t in enumerate(waiting, start=1)
                    ],
                    "follow_up": [ticket_data(t, now) for t in follow_up],
                    "mine": [
                        {**ticket_data(t, now), "current": index == 0}
                        for index, t in enumerate(mine)
                    ],
                },
            )

        return self._as_agent(agent, work)

    def take(self, *, agent: str | int, ticket_number: int | str) -> AssistOutcome:
        """Take a waiting (or follow-up) ticket: `taken` (it becomes the current one),
        `already_taken` (data.agent_name, data.yours), `unknown`. Of agents racing, one wins."""
        number = parse_ticket_number(ticket_number)

        def work(session: Session, me: AssistAgent, now: datetime) -> AssistOutcome:
            ticket = session.get(AssistTicket, number) if number is not None else None
            if ticket is None or ticket.state not in (TICKET_TAKEN, *TAKEABLE):
                return AssistOutcome("unknown", {"ticket": number or 0})
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
                return AssistOutcome(
                    "already_taken",
                    {
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
            return AssistOutcome("taken", self._held_data(session, me, ticket, now))

        return self._as_agent(agent, work)

    def current_ticket(self, *, agent: str | int) -> AssistOutcome:
        """The agent's current ticket: `ok` (the ticket, sender_id, notes, held) or `none`."""

        def work(session: Session, me: AssistAgent, now: datetime) -> AssistOutcome:
            held = held_tickets(session, me.telegram_user_id)
            if not held:
                return AssistOutcome("none", {"held": []})
            return AssistOutcome("ok", self._held_data(session, me, held[0], now))

        return self._as_agent(agent, work)

    def switch(self, *, agent: str | int, ticket_number: int | str) -> AssistOutcome:
        """Make another held ticket the current one: `switched`, `not_yours`, `unknown`."""

        def work(
            session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
        ) -> AssistOutcome:
            ticket.focused_at = now
            return AssistOutcome("switched", self._held_data(session, me, ticket, now))

        return self._with_ticket(agent, ticket_number, work, explicit=True)

    # Working on a held ticket -------------------------------------------------------------

    def transcript(
        self, *, agent: str | int, ticket_number: int | str | None = None
    ) -> AssistOutcome:
        """The held chat's redacted transcript: `ok` (data.lines: role, at, time, author, text)."""

        def work(
            session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
        ) -> AssistOutcome:
            lines = [line.as_data() for line in read_lines(session, ticket.sender_id)]
            return AssistOutcome("ok", {"ticket": ticket.id, "lines": lines})

        return self._with_ticket(agent, ticket_number, work)

    def state_for_agent(
        self, *, agent: str | int, ticket_number: int | str | None = None
    ) -> AssistOutcome:
        """The held customer's journeys, steps, locks, SMS-code counters and whether they have a
        user (docs/assist.md, "State view"): `ok`. Never a secret."""

        def work(
            session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
        ) -> AssistOutcome:
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
            return AssistOutcome("ok", {"ticket": ticket.id, **view})

        return self._with_ticket(agent, ticket_number, work)

    def reply(
        self, *, agent: str | int, text: str, ticket_number: int | str | None = None
    ) -> AssistOutcome:
        """Record the agent's message to the held customer (transcript, role "asesor"):
        `sent` (data.sender_id and data.agent_name for the channel to relay it), `empty`."""

        def work(
            session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
        ) -> AssistOutcome:
            if not text.strip():
                return AssistOutcome("empty", {"ticket": ticket.id})
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
            return AssistOutcome(
                "sent",
                {
                    "ticket": ticket.id,
                    "sender_id": ticket.sender_id,
                    "agent_name": me.display_name,
                },
            )

        return self._with_ticket(agent, ticket_number, work)

    def note(
        self, *, agent: str | int, text: str, ticket_number: int | str | None = None
    ) -> AssistOutcome:
        """A private note on the held ticket (redacted; never shown to the customer):
        `noted` (data.notes: how many the ticket has), `empty`."""

        def work(
            session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
        ) -> AssistOutcome:
            if not text.strip():
                return AssistOutcome("empty", {"ticket": ticket.id})
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
            notes = len(_notes(session, ticket))
            return AssistOutcome("noted", {"ticket": ticket.id, "notes": notes})

        return self._with_ticket(agent, ticket_number, work)

    # Letting go ---------------------------------------------------------------------------

    def hand_back(
        self,
        *,
        agent: str | int,
        step: str | None = None,
        ticket_number: int | str | None = None,
    ) -> AssistOutcome:
        """Give the chat back to the assistant, at the journey's current step or at an earlier
        `step` it can legitimately return to: `handed_back` (data.sender_id, journey, step,
        journey_active, went_back, next_ticket), `cannot_go_back` (data.can_return_to),
        `no_journey` (a step was asked but the chat has no active journey)."""

        def work(
            session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
        ) -> AssistOutcome:
            journey = _ticket_journey(session, ticket)
            went_back = False
            if step is not None and (journey is None or journey.active_key is None):
                return AssistOutcome("no_journey", {"ticket": ticket.id})
            if step is not None and journey is not None and step != journey.step:
                went_back = assist_journeys.go_back_to(
                    session, journey, step, now=now, services=self._services
                )
                if not went_back:
                    return AssistOutcome(
                        "cannot_go_back",
                        {
                            "ticket": ticket.id,
                            "journey": journey.kind,
                            "step": journey.step,
                            "can_return_to": assist_journeys.return_steps(journey),
                        },
                    )
            assist_journeys.keep_alive(journey, now)
            return self._release(
                session, me, ticket, journey, now, state=TICKET_HANDED_BACK, went_back=went_back
            )

        return self._with_ticket(agent, ticket_number, work)

    def close(self, *, agent: str | int, ticket_number: int | str | None = None) -> AssistOutcome:
        """End the held ticket: `closed` (data.sender_id, journey, step, journey_active,
        next_ticket); the assistant answers the customer again."""

        def work(
            session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
        ) -> AssistOutcome:
            journey = _ticket_journey(session, ticket)
            return self._release(session, me, ticket, journey, now, state=TICKET_CLOSED)

        return self._with_ticket(agent, ticket_number, work)

    # Plumbing -----------------------------------------------------------------------------

    def _as_agent(self, agent: str | int, work: Work) -> AssistOutcome:
        with unit_of_work(self._sessions) as session:
            me = load_active_agent(session, agent)
            if me is None:
                return NOT_AGENT
            return work(session, me, self._clock.now())

    def _with_ticket(
        self,
        agent: str | int,
        ticket_number: int | str | None,
        work: TicketWork,
        *,
        explicit: bool = False,
    ) -> AssistOutcome:
        """Run `work` on a ticket the agent holds: the numbered one, or the current one."""

        def find(session: Session, me: AssistAgent, now: datetime) -> AssistOutcome:
            if ticket_number is None and not explicit:
                held = held_tickets(session, me.telegram_user_id)
                if not held:
                    return AssistOutcome("no_ticket")
                ticket = session.get(
                    AssistTicket, held[0].id, with_for_update=True, populate_existing=True
                )
            else:
                number = parse_ticket_number(ticket_number)
                ticket = (
                    session.get(AssistTicket, number, with_for_update=True, populate_existing=True)
                    if number is not None
                    else None
                )
                if ticket is None:
                    return AssistOutcome("unknown", {"ticket": number or 0})
            assert ticket is not None
            if ticket.state != TICKET_TAKEN or ticket.agent_id != me.telegram_user_id:
                return AssistOutcome("not_yours", {"ticket": ticket.id, "state": ticket.state})
            return work(session, me, ticket, now)

        return self._as_agent(agent, find)

    def _held_data(
        self, session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime
    ) -> dict[str, Any]:
        held = [t.id for t in held_tickets(session, me.telegram_user_id)]
        return {
            **ticket_data(ticket, now),
            "sender_id": ticket.sender_id,
            "agent_name": me.display_name,
            "notes": _notes(session, ticket),
            "held": held,
        }

    def _release(
        self,
        session: Session,
        me: AssistAgent,
        ticket: AssistTicket,
        journey: Journey | None,
        now: datetime,
        *,
        state: str,
        went_back: bool = False,
    ) -> AssistOutcome:
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
        return AssistOutcome(state, data)


def _notes(session: Session, ticket: AssistTicket) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AssistNote, AssistAgent.display_name)
        .join(AssistAgent, AssistAgent.telegram_user_id == AssistNote.agent_id)
        .where(AssistNote.ticket_id == ticket.id)
        .order_by(AssistNote.id)
    ).all()
    return [
        {"agent_name": name, "at": note.created_at.isoformat(), "text": note.text}
        for note, name in rows
    ]


def _ticket_journey(session: Session, ticket: AssistTicket) -> Journey | None:
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
