"""Two bot instances run the background loops on one PostgreSQL bank: each job is done once.

The notice and deletion loops of two "instances" (two banks, two connection pools, one schema)
run at the same time over the same due rows; every notice is sent once and every message is
deleted once. (Ticket expiry: tests/integration/test_postgres_assist.py races it on PostgreSQL.)
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from bank.bootstrap import Bank, build_bank
from bank.db import unit_of_work
from bank.migrate import upgrade_database
from bank.notifications import queue_chat_notice
from bank.settings import Settings
from bot.channel_texts import load_channel_texts
from bot.chat_state import chat_state_of
from bot.chat_state.async_state import AsyncChatState
from bot.quiet_chats import AsyncQuietChats
from bot.telegram.assist.views import notice_values
from bot.telegram.deletions import delete_due_messages
from bot.telegram.notices import deliver_notices
from tests.support.concurrency import fresh_postgres_schema

pytestmark = pytest.mark.postgres

JOBS = 60
CHATS = 6
TICKET = re.compile(r"ticket #(\d+)")


@dataclass
class SentMessage:
    message_id: int


@dataclass
class RecordingBot:
    """The Bot API calls the loops make, shared by both instances (one Telegram)."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    deleted: list[tuple[int, int]] = field(default_factory=list)

    async def send_message(self, chat_id: int, text: str, **_: Any) -> SentMessage:
        await asyncio.sleep(0.001)  # let the other instance run meanwhile
        self.sent.append((chat_id, text))
        return SentMessage(len(self.sent))

    async def delete_message(self, chat_id: int, message_id: int) -> bool:
        await asyncio.sleep(0.001)
        self.deleted.append((chat_id, message_id))
        return True


def cheap_settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key=secrets.token_hex(32),
        argon2_time_cost=1,
        argon2_memory_kib=8,
        argon2_parallelism=1,
    )


@pytest.fixture(scope="module")
def schema_url() -> Iterator[str]:
    with fresh_postgres_schema("bot_claims") as url:
        upgrade_database(url)
        yield url


@pytest.fixture
def two_banks(schema_url: str) -> Iterator[tuple[Bank, Bank]]:
    """Two bot instances' banks: separate engines on one database."""
    first, second = build_bank(cheap_settings(schema_url)), build_bank(cheap_settings(schema_url))
    yield first, second
    first.dispose()
    second.dispose()


async def until_done(*jobs: Any) -> None:
    """Run both instances' loop bodies side by side until a round finds nothing to do."""
    while sum(await asyncio.gather(*(job() for job in jobs))):
        pass


async def test_two_instances_send_each_notice_once(two_banks: tuple[Bank, Bank]) -> None:
    first, _ = two_banks
    with unit_of_work(first.sessions) as session:
        for number in range(JOBS):
            queue_chat_notice(
                session,
                sender_id=f"tg:{100 + number % CHATS}",
                kind="assist_no_agent",
                data={"ticket": number, "call_center": "1700 123 123"},
                now=first.clock.now(),
            )
    bot = RecordingBot()
    texts = load_channel_texts()

    def instance(bank: Bank) -> Any:
        state = AsyncChatState(chat_state_of(bank))
        quiet = AsyncQuietChats(bank.mini_music)
        return lambda: deliver_notices(
            bot,  # type: ignore[arg-type]
            bank.notifications,
            texts,
            state,
            quiet,
            bot_id="123456",
            values=notice_values,
        )

    await until_done(*(instance(bank) for bank in two_banks))

    tickets = [(chat, int(TICKET.search(text).group(1))) for chat, text in bot.sent]  # type: ignore[union-attr]
    assert sorted(ticket for _, ticket in tickets) == list(range(JOBS))
    assert all(chat == 100 + ticket % CHATS for chat, ticket in tickets)


async def test_two_instances_do_each_scheduled_deletion_once(
    two_banks: tuple[Bank, Bank],
) -> None:
    first, _ = two_banks
    for number in range(JOBS):
        chat_state_of(first).deletions.schedule(
            f"tg:{100 + number % CHATS}", 1000 + number, after=timedelta(0)
        )
    bot = RecordingBot()

    def instance(bank: Bank) -> Any:
        state = AsyncChatState(chat_state_of(bank))
        return lambda: delete_due_messages(bot, state)  # type: ignore[arg-type]

    await until_done(*(instance(bank) for bank in two_banks))
    assert sorted(message for _, message in bot.deleted) == list(range(1000, 1000 + JOBS))
    assert len(bot.deleted) == JOBS
