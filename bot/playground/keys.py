"""Typed keys of what the playground's aiohttp application carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from aiohttp import web

from bot.playground.state import PlaygroundState

OutboxReader = Callable[[], list[dict[str, Any]]]

STATE_KEY: Final = web.AppKey("playground_state", PlaygroundState)
TOKEN_KEY: Final = web.AppKey("playground_token", str)
OUTBOX_READER_KEY: Final[web.AppKey[OutboxReader | None]] = web.AppKey("playground_outbox")
