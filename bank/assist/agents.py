"""Call-center agents: who may use the agent commands (managed by an admin from the CLI).

An agent is a Telegram user id with a display name. Removing an agent keeps the row (the audit
names them) but switches it off; their held tickets go back to the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bank.assist.outcome import AssistCode
from bank.audit import record_audit
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.models import TICKET_TAKEN, TICKET_WAITING, AssistAgent, AssistTicket
from bank.outcome import Outcome

MAX_NAME_LENGTH: Final = 80
MAX_ID_DIGITS: Final = 20
TELEGRAM_CHAT_PREFIX: Final = "tg:"  # how the bot names a Telegram chat (bot/telegram/render.py)
ADMIN_ACTOR: Final = "admin:cli"


@dataclass(frozen=True)
class AgentView:
    """An agent as the bot and the CLI see them."""

    telegram_user_id: str
    display_name: str
    active: bool
    added_at: datetime

    @property
    def sender_id(self) -> str:
        """The agent's private chat with the bot, as the bot names chats ("tg:<user id>")."""
        return TELEGRAM_CHAT_PREFIX + self.telegram_user_id

    @property
    def actor(self) -> str:
        """How audit rows name this agent: "agent:<telegram id> <name>"."""
        return agent_actor(self.telegram_user_id, self.display_name)


def agent_actor(telegram_user_id: str, display_name: str) -> str:
    """The audit actor of an agent."""
    return f"agent:{telegram_user_id} {display_name}"


def normalise_telegram_id(value: str | int) -> str | None:
    """ "1005", 1005 or "tg:1005" -> "1005"; None when it is not a Telegram user id."""
    text = str(value).strip()
    text = text.removeprefix(TELEGRAM_CHAT_PREFIX)
    if not text.isascii() or not text.isdigit() or len(text) > MAX_ID_DIGITS:
        return None
    return text.lstrip("0") or None


def as_view(row: AssistAgent) -> AgentView:
    """A detached copy of an agent row."""
    return AgentView(row.telegram_user_id, row.display_name, row.active, row.added_at)


def load_active_agent(session: Session, agent: str | int) -> AssistAgent | None:
    """The active agent with this Telegram user id, or None (unknown, removed, malformed)."""
    telegram_id = normalise_telegram_id(agent)
    if telegram_id is None:
        return None
    row = session.get(AssistAgent, telegram_id)
    return row if row is not None and row.active else None


def active_agents(session: Session) -> list[AssistAgent]:
    """Every active agent (who is told about new tickets)."""
    return list(
        session.scalars(
            select(AssistAgent)
            .where(AssistAgent.active.is_(True))
            .order_by(AssistAgent.telegram_user_id)
        )
    )


class Agents:
    """Adding, removing and checking agents."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def add(
        self, *, telegram_user_id: str | int, display_name: str, actor: str = ADMIN_ACTOR
    ) -> Outcome:
        """Make a user an agent: `added`, `updated` (name changed or re-added), `invalid`."""
        telegram_id = normalise_telegram_id(telegram_user_id)
        if telegram_id is None:
            return Outcome(AssistCode.INVALID, data={"reason": "telegram_id"})
        name = " ".join(display_name.split())
        if not name or len(name) > MAX_NAME_LENGTH:
            return Outcome(AssistCode.INVALID, data={"reason": "display_name"})
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            row = session.get(AssistAgent, telegram_id, with_for_update=True)
            code = AssistCode.ADDED if row is None or not row.active else AssistCode.UPDATED
            if row is None:
                session.add(
                    AssistAgent(
                        telegram_user_id=telegram_id, display_name=name, active=True, added_at=now
                    )
                )
            else:
                if not row.active:
                    row.added_at = now
                row.display_name, row.active, row.removed_at = name, True, None
            record_audit(
                session,
                at=now,
                actor=actor,
                action="assist.agent_added" if code == AssistCode.ADDED else "assist.agent_updated",
                subject=f"agent:{telegram_id}",
                details={"agent_id": telegram_id, "display_name": name},
            )
            return Outcome(code, data={"telegram_user_id": telegram_id, "display_name": name})

    def remove(self, *, telegram_user_id: str | int, actor: str = ADMIN_ACTOR) -> Outcome:
        """Switch an agent off: `removed` (data.requeued: their held tickets now waiting),
        `unknown`."""
        telegram_id = normalise_telegram_id(telegram_user_id)
        with unit_of_work(self._sessions) as session:
            row = load_active_agent(session, telegram_id or "")
            if row is None:
                return Outcome(AssistCode.UNKNOWN)
            now = self._clock.now()
            row.active, row.removed_at = False, now
            requeued = list(
                session.scalars(
                    select(AssistTicket.id).where(
                        AssistTicket.agent_id == row.telegram_user_id,
                        AssistTicket.state == TICKET_TAKEN,
                    )
                )
            )
            if requeued:
                session.execute(
                    update(AssistTicket)
                    .where(AssistTicket.id.in_(requeued))
                    .values(state=TICKET_WAITING, agent_id=None, focused_at=None)
                    .execution_options(synchronize_session=False)
                )
            record_audit(
                session,
                at=now,
                actor=actor,
                action="assist.agent_removed",
                subject=f"agent:{row.telegram_user_id}",
                details={"agent_id": row.telegram_user_id, "requeued": requeued},
            )
            return Outcome(
                AssistCode.REMOVED,
                data={"telegram_user_id": row.telegram_user_id, "requeued": requeued},
            )

    def all_agents(self) -> list[AgentView]:
        """Every agent ever added, active first, then by Telegram user id."""
        with unit_of_work(self._sessions) as session:
            rows = session.scalars(
                select(AssistAgent).order_by(
                    AssistAgent.active.desc(), AssistAgent.telegram_user_id
                )
            )
            return [as_view(row) for row in rows]

    def agent(self, *, telegram_user_id: str | int) -> AgentView | None:
        """The active agent with this Telegram user id, or None (anyone else)."""
        with unit_of_work(self._sessions) as session:
            row = load_active_agent(session, telegram_user_id)
            return as_view(row) if row is not None else None

    def is_agent(self, *, telegram_user_id: str | int) -> bool:
        """Whether this Telegram user may use the agent commands."""
        return self.agent(telegram_user_id=telegram_user_id) is not None
