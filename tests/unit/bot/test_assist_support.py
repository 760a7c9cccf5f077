"""Shared by the assisted-mode channel tests (no tests here): the real bot polling the playground,
a scripted Rasa, a real SQLite bank with the demo data (Paula, Telegram user 1005, is an agent)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot_fakes import FakeRasa
from playground_support import running_playground
from telegram_harness import RunningBot, running_bot

from bank.clock import Clock
from bank.db import unit_of_work
from bank.demo import seed_demo
from bot.playground.client import ChatState, bot_messages

CUSTOMER = 1001  # María José
LUIS = 1002  # another customer
AGENT = 1005  # Paula, the playground's agent persona
AGENT_NAME = "Paula"
CUSTOMER_KEY = f"tg:{CUSTOMER}"


@asynccontextmanager
async def assisted_bot(
    tmp_path: Path, *, clock: Clock | None = None, **env: str
) -> AsyncIterator[RunningBot]:
    """The bot with the demo data; the customer sees "typing..." 0.4 s before an agent's reply
    and waiting tickets are checked for expiry every 0.2 s."""
    settings = {"ASSIST_TYPING_SECONDS": "0.4", "ASSIST_EXPIRY_SECONDS": "0.2", **env}
    async with (
        running_playground() as playground,
        running_bot(playground, FakeRasa(), tmp_path, clock=clock, **settings) as bot,
    ):
        with unit_of_work(bot.bank.sessions) as session:
            seed_demo(session, hasher=bot.bank.hasher, clock=bot.bank.clock)
        yield bot


def everything_shown(state: ChatState) -> str:
    """Every text, caption and button title the bot left in a chat (for searching secrets)."""
    parts: list[str] = []
    for message in state["messages"]:
        if message["from"] != "bot":
            continue
        parts += [message["text"] or "", message["caption"] or ""]
        parts += [button["text"] for row in message["buttons"] for button in row]
    parts += [answer["text"] or "" for answer in state["callback_answers"]]
    return "\n".join(parts)


def last_text(state: ChatState) -> str:
    """The text of the bot's last message in the chat."""
    messages = bot_messages(state)
    return str(messages[-1]["text"]) if messages else ""


def has_text(fragment: str, *, after: int = 0) -> Callable[[ChatState], bool]:
    """A predicate: a bot message (after the first `after` ones) contains `fragment`."""

    def check(state: ChatState) -> bool:
        return any(fragment in (m["text"] or "") for m in bot_messages(state)[after:])

    return check


async def count(bot: RunningBot, user_id: int) -> int:
    """How many bot messages the chat shows now."""
    return len(bot_messages(await bot.playground.client.chat(user_id)))


async def agent_says(bot: RunningBot, text: str, expect: str) -> ChatState:
    """Paula types; wait for a bot message in her chat containing `expect`."""
    before = await count(bot, AGENT)
    await bot.playground.client.send_text(AGENT, text)
    return await bot.wait(AGENT, has_text(expect, after=before))


def message_with(state: ChatState, fragment: str) -> dict[str, Any]:
    """The last bot message containing `fragment`."""
    return [m for m in bot_messages(state) if fragment in (m["text"] or "")][-1]


def open_ticket(bot: RunningBot, sender_id: str = CUSTOMER_KEY, reason: str = "asked") -> int:
    """What the Rasa side does on consent: open a ticket for the chat; its number."""
    outcome = bot.bank.tickets.open(sender_id=sender_id, reason=reason)
    assert outcome.code == "opened", outcome
    return int(outcome.data["ticket"])


async def transcript_with(bot: RunningBot, fragment: str, sender_id: str = CUSTOMER_KEY) -> str:
    """The chat's stored transcript once a line contains `fragment` (the bot keeps a line right
    after it shows the message, so the test may look a moment too early)."""
    for _ in range(50):
        lines = bot.bank.transcripts.lines(sender_id=sender_id)
        joined = "\n".join(f"{line.role}: {line.text}" for line in lines)
        if fragment in joined:
            return joined
        await asyncio.sleep(0.1)
    raise AssertionError(f"no transcript line with {fragment!r}:\n{joined}")
