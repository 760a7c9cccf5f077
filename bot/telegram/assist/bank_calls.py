"""The bank's assisted-mode services as the channel uses them: every call in a worker thread, so
the database never blocks the event loop other chats share."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bank.assist import Agents, AgentView, AssistDesk, Holder, PhoneAssist, Tickets


@dataclass(frozen=True)
class AssistBank:
    """bank.agents, bank.tickets, bank.assist_desk and bank.assist_phone (docs/assist.md)."""

    agents: Agents
    tickets: Tickets
    desk: AssistDesk
    phone: PhoneAssist

    async def is_agent(self, telegram_user_id: int) -> bool:
        """Whether this Telegram user may use the agent commands (an active agent)."""
        return await asyncio.to_thread(self.agents.is_agent, telegram_user_id=telegram_user_id)

    async def all_agents(self) -> list[AgentView]:
        """Every agent ever added, active first."""
        return await asyncio.to_thread(self.agents.all_agents)

    async def holder(self, sender_id: str) -> Holder | None:
        """The agent holding this chat, or None (asked for every customer message and tap)."""
        return await asyncio.to_thread(self.tickets.holder, sender_id=sender_id)

    async def expire_waiting(self) -> int:
        """Move tickets nobody took in time to follow-up; how many moved."""
        outcome = await asyncio.to_thread(self.tickets.expire_waiting)
        return len(outcome.data.get("tickets", []))
