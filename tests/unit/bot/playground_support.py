"""Helpers for the playground tests: a running playground on 127.0.0.1 and a real PTB Bot."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import telegram
from aiohttp.test_utils import TestServer
from PIL import Image

from bot.playground.app import build_playground_app
from bot.playground.client import PlaygroundClient
from bot.playground.keys import STATE_KEY
from bot.playground.state import PlaygroundState

TOKEN = "123456:playground"
CUSTOMER = 1001
PARENT = 1003


@dataclass
class Playground:
    url: str
    state: PlaygroundState
    client: PlaygroundClient
    http: httpx.AsyncClient

    def bot(self, token: str = TOKEN) -> telegram.Bot:
        return telegram.Bot(token, base_url=f"{self.url}/bot", base_file_url=f"{self.url}/file/bot")

    async def raw(self, method: str, **kwargs: Any) -> httpx.Response:
        """Call the Bot API directly (POST with whatever body kwargs describe)."""
        return await self.http.post(f"{self.url}/bot{TOKEN}/{method}", **kwargs)


@asynccontextmanager
async def running_playground(**kwargs: Any) -> AsyncIterator[Playground]:
    state = kwargs.pop("state", None) or PlaygroundState(first_update_id=500)
    app = build_playground_app(token=TOKEN, state=state, **kwargs)
    async with TestServer(app, host="127.0.0.1") as server:
        url = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(timeout=10) as http:
            yield Playground(url, app[STATE_KEY], PlaygroundClient(url, http), http)


def png(width: int = 40, height: int = 30, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()
