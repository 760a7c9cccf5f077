"""The agents' desk: the queue, taking tickets, the held chats' transcript and state, replies,
private notes, handing back to the assistant, closing.

Every call names the agent by Telegram user id; anyone who is not an active agent gets
`not_agent` and nothing else. An agent may hold several tickets: calls without a ticket number
act on the agent's current one (the last taken or switched to). The work itself lives in
`desk_queue`, `desk_work` and `desk_release`; this class resolves the agent and the ticket and
runs each call as one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bank.assist import desk_queue, desk_release, desk_work
from bank.assist.agents import load_active_agent
from bank.assist.desk_tickets import held_ticket_data, held_tickets, parse_ticket_number
from bank.assist.outcome import NOT_AGENT, AssistCode
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.models import TICKET_TAKEN, AssistAgent, AssistTicket
from bank.outcome import Outcome
from bank.registration.context import Services

Work = Callable[[Session, AssistAgent, datetime], Outcome]
TicketWork = Callable[[Session, AssistAgent, AssistTicket, datetime], Outcome]


class AssistDesk:
    """What the channel uses for an agent's commands."""

    def __init__(
        self, *, session_factory: SessionFactory, clock: Clock, services: Services
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._services = services

    # The queue ----------------------------------------------------------------------------

    def queue(self, *, agent: str | int) -> Outcome:
        """`ok`: data.waiting (oldest first, with position), data.follow_up, data.mine."""
        return self._as_agent(agent, desk_queue.queue_view)

    def take(self, *, agent: str | int, ticket_number: int | str) -> Outcome:
        """Take a waiting (or follow-up) ticket: `taken` (it becomes the current one),
        `already_taken` (data.agent_name, data.yours), `unknown`. Of agents racing, one wins."""
        number = parse_ticket_number(ticket_number)

        def work(session: Session, me: AssistAgent, now: datetime) -> Outcome:
            return desk_queue.take_ticket(session, me, number, now)

        return self._as_agent(agent, work)

    def current_ticket(self, *, agent: str | int) -> Outcome:
        """The agent's current ticket: `ok` (the ticket, sender_id, notes, held) or `none`."""

        def work(session: Session, me: AssistAgent, now: datetime) -> Outcome:
            held = held_tickets(session, me.telegram_user_id)
            if not held:
                return Outcome(AssistCode.NONE, data={"held": []})
            return Outcome(AssistCode.OK, data=held_ticket_data(session, me, held[0], now))

        return self._as_agent(agent, work)

    def switch(self, *, agent: str | int, ticket_number: int | str) -> Outcome:
        """Make another held ticket the current one: `switched`, `not_yours`, `unknown`."""

        def work(session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime) -> Outcome:
            ticket.focused_at = now
            return Outcome(AssistCode.SWITCHED, data=held_ticket_data(session, me, ticket, now))

        return self._with_ticket(agent, ticket_number, work, explicit=True)

    # Working on a held ticket -------------------------------------------------------------

    def transcript(self, *, agent: str | int, ticket_number: int | str | None = None) -> Outcome:
        """The held chat's redacted transcript: `ok` (data.lines: role, at, time, author, text)."""

        def work(session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime) -> Outcome:
            return desk_work.transcript_view(session, ticket)

        return self._with_ticket(agent, ticket_number, work)

    def state_for_agent(
        self, *, agent: str | int, ticket_number: int | str | None = None
    ) -> Outcome:
        """The held customer's journeys, steps, locks, SMS-code counters and whether they have a
        user (docs/assist.md, "State view"): `ok`. Never a secret."""

        def work(session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime) -> Outcome:
            return desk_work.state_view(session, ticket, now)

        return self._with_ticket(agent, ticket_number, work)

    def reply(
        self, *, agent: str | int, text: str, ticket_number: int | str | None = None
    ) -> Outcome:
        """Record the agent's message to the held customer (transcript, role "asesor"):
        `sent` (data.sender_id and data.agent_name for the channel to relay it), `empty`."""

        def work(session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime) -> Outcome:
            return desk_work.reply_to_customer(session, me, ticket, text, now)

        return self._with_ticket(agent, ticket_number, work)

    def note(
        self, *, agent: str | int, text: str, ticket_number: int | str | None = None
    ) -> Outcome:
        """A private note on the held ticket (redacted; never shown to the customer):
        `noted` (data.notes: how many the ticket has), `empty`."""

        def work(session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime) -> Outcome:
            return desk_work.add_note(session, me, ticket, text, now)

        return self._with_ticket(agent, ticket_number, work)

    # Letting go ---------------------------------------------------------------------------

    def hand_back(
        self,
        *,
        agent: str | int,
        step: str | None = None,
        ticket_number: int | str | None = None,
    ) -> Outcome:
        """Give the chat back to the assistant, at the journey's current step or at an earlier
        `step` it can legitimately return to: `handed_back` (data.sender_id, journey, step,
        journey_active, went_back, next_ticket), `cannot_go_back` (data.can_return_to),
        `no_journey` (a step was asked but the chat has no active journey)."""

        def work(session: Session, me: AssistAgent, ticket: AssistTicket, now: datetime) -> Outcome:
            return desk_release.hand_back(
                session, me, ticket, now, step=step, services=self._services
            )

        return self._with_ticket(agent, ticket_number, work)

    def close(self, *, agent: str | int, ticket_number: int | str | None = None) -> Outcome:
        """End the held ticket: `closed` (data.sender_id, journey, step, journey_active,
        next_ticket); the assistant answers the customer again."""
        return self._with_ticket(agent, ticket_number, desk_release.close_ticket)

    # Plumbing -----------------------------------------------------------------------------

    def _as_agent(self, agent: str | int, work: Work) -> Outcome:
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
    ) -> Outcome:
        """Run `work` on a ticket the agent holds: the numbered one, or the current one."""

        def find(session: Session, me: AssistAgent, now: datetime) -> Outcome:
            if ticket_number is None and not explicit:
                held = held_tickets(session, me.telegram_user_id)
                if not held:
                    return Outcome(AssistCode.NO_TICKET)
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
                    return Outcome(AssistCode.UNKNOWN, data={"ticket": number or 0})
            assert ticket is not None
            if ticket.state != TICKET_TAKEN or ticket.agent_id != me.telegram_user_id:
                return Outcome(
                    AssistCode.NOT_YOURS, data={"ticket": ticket.id, "state": ticket.state}
                )
            return work(session, me, ticket, now)

        return self._as_agent(agent, find)
