"""A person using the bot through the playground: types, taps buttons, reads what the bot shows.

Each action waits until the bot has answered (at least one new or edited bot message, or an
expected text) and then stays quiet for a moment, so the next action sees the whole answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from bot.playground.client import PlaygroundClient, bot_messages, describe_chat, find_button

JSON = dict[str, Any]
QUIET_SECONDS: Final = 0.8
ANSWER_TIMEOUT_SECONDS: Final = 90.0


@dataclass
class TelegramUser:
    """One persona of the playground (its private chat id is its user id)."""

    client: PlaygroundClient
    user_id: int
    step_of: Callable[[str], object] | None = None
    last_message_id: int | None = None

    @property
    def sender_id(self) -> str:
        """The Rasa conversation id the bot uses for this chat."""
        return f"tg:{self.user_id}"

    async def state(self) -> JSON:
        """The chat as the page sees it."""
        return await self.client.chat(self.user_id)

    async def say(self, text: str, *, expect: str | None = None) -> list[JSON]:
        """Type a message; return the bot's new or changed messages."""
        before = await self.state()
        _, self.last_message_id = await self.client.send_text(self.user_id, text)
        return await self._answer(before, expect)

    async def last_message_deleted(self) -> bool:
        """Whether the user's last typed message was deleted from the chat."""
        state = await self.state()
        return any(
            m["message_id"] == self.last_message_id and m["deleted"] for m in state["messages"]
        )

    async def tap(self, title: str, *, expect: str | None = None) -> list[JSON]:
        """Tap the button whose text contains `title` on the newest bot message offering it."""
        before = await self.state()
        message, button = self.button(before, title)
        await self.client.tap(self.user_id, message["message_id"], button["callback_data"])
        return await self._answer(before, expect)

    async def wait_step(self, step: str, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """Wait until the bank's journey is at `step` (needs step_of)."""
        assert self.step_of is not None, "this user was made without a bank"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if str(self.step_of(self.sender_id)) == step:
                return
            await asyncio.sleep(0.2)
        current = self.step_of(self.sender_id)
        raise AssertionError(f"journey at {current}, expected {step}\n{await self.dump()}")

    @staticmethod
    def button(state: JSON, title: str) -> tuple[JSON, JSON]:
        """The newest bot message with a button matching `title`, and that button."""
        for message in reversed(bot_messages(state)):
            try:
                return message, find_button(message, title)
            except KeyError:
                continue
        raise AssertionError(f"no button {title!r}\n{describe_chat(state)}")

    async def dump(self) -> str:
        """The last messages, for assertion messages."""
        return describe_chat(await self.state(), last=12)

    async def _answer(self, before: JSON, expect: str | None) -> list[JSON]:
        """Wait for the bot's answer to the last action, then for quiet."""
        old = {m["message_id"]: _fingerprint(m) for m in before["messages"]}
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        state = before
        while True:
            changed = _changed_bot_messages(state, old)
            if changed and (expect is None or any(expect in _body(m) for m in changed)):
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"the bot did not answer{f' with {expect!r}' if expect else ''}\n"
                    + describe_chat(state, last=12)
                )
            state = await self.client.chat(
                self.user_id, since=state["version"], wait=min(remaining, 10.0)
            )
        while True:
            later = await self.client.chat(self.user_id, since=state["version"], wait=QUIET_SECONDS)
            if later["version"] == state["version"] and not later.get("typing"):
                return _changed_bot_messages(later, old)
            state = later


def _body(message: JSON) -> str:
    """A message's text or caption, and its button titles."""
    titles = " ".join(button["text"] for row in message["buttons"] for button in row)
    return f"{message.get('text') or message.get('caption') or ''} {titles}"


def _fingerprint(message: JSON) -> str:
    return repr((message["text"], message["caption"], message["buttons"], message["deleted"]))


def _changed_bot_messages(state: JSON, old: dict[int, str]) -> list[JSON]:
    return [
        message
        for message in bot_messages(state)
        if old.get(message["message_id"]) != _fingerprint(message)
    ]
