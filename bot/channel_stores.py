"""Async access to the bank's channel state (database I/O runs in worker threads).

`DatabasePendingInputStore` is the Conversation's PendingInputStore for channels whose state must
survive a restart or be shared by several bot processes. `AsyncQuietChats` asks the bank which
chats want no sound (a child who turned the Cuenta Mini music off).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from bank.channel_state import ButtonSpec, ChannelState, DueDeletion, PickResult, Tap
from bot.secure_input import PendingKind, is_expected_kind, is_secret_kind

logger = logging.getLogger(__name__)


class AsyncChannelState:
    """The same operations as bank.channel_state.ChannelState, off the event loop."""

    def __init__(self, state: ChannelState) -> None:
        self._state = state

    async def register_keyboard(
        self,
        chat_key: str,
        buttons: Sequence[ButtonSpec],
        *,
        choose: int = 1,
        payload_template: str | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """Store a keyboard; return its id and one callback id per button."""
        return await asyncio.to_thread(
            self._state.register_keyboard,
            chat_key,
            buttons,
            choose=choose,
            payload_template=payload_template,
        )

    async def attach_message(self, keyboard_id: str, message_id: int) -> None:
        """Record the message that shows the keyboard."""
        await asyncio.to_thread(self._state.attach_message, keyboard_id, message_id)

    async def resolve_tap(self, callback_id: str, chat_key: str) -> Tap | None:
        """What a tapped callback id means in this chat, if anything."""
        return await asyncio.to_thread(self._state.resolve_tap, callback_id, chat_key)

    async def use_keyboard(self, keyboard_id: str) -> bool:
        """Mark a keyboard used; True for the first caller only."""
        return await asyncio.to_thread(self._state.use_keyboard, keyboard_id)

    async def change_picks(self, keyboard_id: str, *, add: str | None = None) -> PickResult:
        """Add a pick, or undo the last one."""
        return await asyncio.to_thread(self._state.change_picks, keyboard_id, add=add)

    async def picks(self, keyboard_id: str) -> tuple[str, ...]:
        """The picks so far."""
        return await asyncio.to_thread(self._state.picks, keyboard_id)

    async def claim_update(self, bot_id: str, update_id: int) -> bool:
        """False when the update was handled already."""
        return await asyncio.to_thread(self._state.claim_update, bot_id, update_id)

    async def media_file_id(self, bot_id: str, cache_key: str) -> str | None:
        """A cached file id, if any."""
        return await asyncio.to_thread(self._state.media_file_id, bot_id, cache_key)

    async def remember_media(self, bot_id: str, cache_key: str, file_id: str) -> None:
        """Cache a file id."""
        await asyncio.to_thread(self._state.remember_media, bot_id, cache_key, file_id)

    async def forget_media(self, bot_id: str, cache_key: str) -> None:
        """Drop a cached file id."""
        await asyncio.to_thread(self._state.forget_media, bot_id, cache_key)

    async def first_notice(self, chat_key: str, notice: str) -> bool:
        """True only the first time a notice is shown in the chat."""
        return await asyncio.to_thread(self._state.first_notice, chat_key, notice)

    async def schedule_deletion(self, chat_key: str, message_id: int, *, after: timedelta) -> None:
        """Delete a message of the chat `after` from now (persisted)."""
        await asyncio.to_thread(self._state.schedule_deletion, chat_key, message_id, after=after)

    async def claim_due_deletions(self, *, chat_prefix: str = "") -> list[DueDeletion]:
        """Claim the messages (of chats with this key prefix) whose time to be deleted has come."""
        return await asyncio.to_thread(self._state.claim_due_deletions, chat_prefix=chat_prefix)

    async def deletion_done(self, deletion_id: int) -> None:
        """Record that a claimed message is gone."""
        await asyncio.to_thread(self._state.deletion_done, deletion_id)


class DatabasePendingInputStore:
    """PendingInputStore kept in the bank database (survives restarts, shared by instances)."""

    def __init__(self, state: ChannelState) -> None:
        self._state = state

    async def get(self, sender_id: str) -> PendingKind | None:
        """The pending input kind of the sender (a secret kind, or "number"), if any."""
        kind = await asyncio.to_thread(self._state.pending_input, sender_id)
        return kind if is_secret_kind(kind) or is_expected_kind(kind) else None

    async def set(self, sender_id: str, kind: PendingKind) -> None:
        """Remember the pending input kind."""
        await asyncio.to_thread(self._state.set_pending_input, sender_id, kind)

    async def clear(self, sender_id: str) -> None:
        """Forget the pending secret kind."""
        await asyncio.to_thread(self._state.clear_pending_input, sender_id)


class QuietChats(Protocol):
    """Which chats want no sound; `bank.mini.music.MiniMusic` is the real one (synchronous)."""

    def quiet(self, sender_id: str) -> bool:
        """True when the chat's messages must arrive silently and celebrations be left out."""
        ...


class AsyncQuietChats:
    """QuietChats off the event loop; a failed look-up counts as "not quiet" and is logged."""

    def __init__(self, chats: QuietChats) -> None:
        self._chats = chats

    async def quiet(self, sender_id: str) -> bool:
        """Whether the chat is quiet; asked once per turn or notice, not per message."""
        try:
            return await asyncio.to_thread(self._chats.quiet, sender_id)
        except Exception as exc:
            # Sound is the default everywhere else, and a voice note never plays by itself.
            logger.warning("could not tell whether a chat is quiet (%s)", type(exc).__name__)
            return False
