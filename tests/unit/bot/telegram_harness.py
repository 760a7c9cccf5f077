"""The real Telegram Application, polling an in-process playground, with a scripted Rasa."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from bot_fakes import FakeRasa
from playground_support import Playground
from telegram.ext import Application

from bank.bootstrap import Bank, build_bank
from bank.clock import Clock
from bank.migrate import upgrade_database
from bank.settings import Settings
from bot.playground.client import ChatState, bot_messages
from bot.telegram.application import build_application
from bot.telegram.settings import load_bot_settings


@dataclass
class RunningBot:
    application: Application  # type: ignore[type-arg]
    playground: Playground
    rasa: FakeRasa
    bank: Bank

    async def say(self, user_id: int, text: str, *, answers: int = 1) -> ChatState:
        """Type a message and wait until `answers` more bot messages are shown."""
        before = len(bot_messages(await self.playground.client.chat(user_id)))
        await self.playground.client.send_text(user_id, text)
        return await self.wait(user_id, lambda s: len(bot_messages(s)) >= before + answers)

    async def wait(self, user_id: int, predicate: Callable[[ChatState], bool]) -> ChatState:
        return await self.playground.client.wait_for(user_id, predicate, timeout=10)


def cheap_bank(tmp_path: Path, clock: Clock | None = None) -> Bank:
    """A migrated SQLite bank on file with a cheap argon2 cost (no demo data needed)."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url)
    settings = Settings(
        database_url=url,
        secret_key=secrets.token_hex(32),
        argon2_time_cost=1,
        argon2_memory_kib=8,
        argon2_parallelism=1,
    )
    return build_bank(settings, clock)


@asynccontextmanager
async def running_bot(
    playground: Playground,
    rasa: FakeRasa,
    tmp_path: Path,
    *,
    real_http: bool = False,
    clock: Clock | None = None,
    **env: str,
) -> AsyncIterator[RunningBot]:
    """The bot polling `playground`; Rasa is `rasa` (or, with real_http, whatever RASA_URL is).

    clock: the bank's clock (e.g. a FixedClock to make scheduled deletions due).
    """
    port = playground.url.rsplit(":", 1)[1]
    settings = load_bot_settings({"PLAYGROUND_PORT": port, "RASA_TIMEOUT_SECONDS": "5", **env})
    bank = cheap_bank(tmp_path, clock)
    transport = None if real_http else httpx.MockTransport(rasa.handler)
    application = build_application(settings, bank, rasa_transport=transport)
    try:
        async with application:
            assert application.post_init is not None
            await application.post_init(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                yield RunningBot(application, playground, rasa, bank)
            finally:
                await application.updater.stop()
                await application.stop()
                assert application.post_shutdown is not None
                await application.post_shutdown(application)
    finally:
        bank.dispose()


def reply(**item: Any) -> dict[str, Any]:
    """One item of Rasa's REST answer."""
    return {"recipient_id": "tg:1001", **item}
