"""The chat state for the event loop: every store call runs in a worker thread.

`AsyncChatState` is what the Telegram side uses; `DatabasePendingInputStore` is the
Conversation's PendingInputStore for channels whose state must survive a restart or be shared by
several bot processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from bot.chat_state import ChatState
from bot.chat_state.deletions import DueDeletion
from bot.chat_state.keyboards import ButtonSpec, PickResult, Tap
from bot.chat_state.pending_inputs import PendingInputs
from bot.secure_input import PendingKind, is_expected_kind, is_secret_kind


class AsyncChatState:
    """The chat state's operations the channel needs, off the event loop."""

    def __init__(self, state: ChatState) -> None:
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
            self._state.keyboards.register,
            chat_key,
            buttons,
            choose=choose,
            payload_template=payload_template,
        )

    async def attach_message(self, keyboard_id: str, message_id: int) -> None:
        """Record the message that shows the keyboard."""
        await asyncio.to_thread(self._state.keyboards.attach_message, keyboard_id, message_id)

    async def resolve_tap(self, callback_id: str, chat_key: str) -> Tap | None:
        """What a tapped callback id means in this chat, if anything."""
        return await asyncio.to_thread(self._state.keyboards.resolve_tap, callback_id, chat_key)

    async def use_keyboard(self, keyboard_id: str) -> bool:
        """Mark a keyboard used; True for the first caller only."""
        return await asyncio.to_thread(self._state.keyboards.use, keyboard_id)

    async def change_picks(self, keyboard_id: str, *, add: str | None = None) -> PickResult:
        """Add a pick, or undo the last one."""
        return await asyncio.to_thread(self._state.keyboards.change_picks, keyboard_id, add=add)

    async def picks(self, keyboard_id: str) -> tuple[str, ...]:
        """The picks so far."""
        return await asyncio.to_thread(self._state.keyboards.picks, keyboard_id)

    async def claim_update(self, bot_id: str, update_id: int) -> bool:
        """False when the update was handled already."""
        return await asyncio.to_thread(self._state.updates.claim, bot_id, update_id)

    async def media_file_id(self, bot_id: str, cache_key: str) -> str | None:
        """A cached file id, if any."""
        return await asyncio.to_thread(self._state.media.file_id, bot_id, cache_key)

    async def remember_media(self, bot_id: str, cache_key: str, file_id: str) -> None:
        """Cache a file id."""
        await asyncio.to_thread(self._state.media.remember, bot_id, cache_key, file_id)

    async def forget_media(self, bot_id: str, cache_key: str) -> None:
        """Drop a cached file id."""
        await asyncio.to_thread(self._state.media.forget, bot_id, cache_key)

    async def first_notice(self, chat_key: str, notice: str) -> bool:
        """True only the first time a notice is shown in the chat."""
        return await asyncio.to_thread(self._state.notices.first, chat_key, notice)

    async def schedule_deletion(self, chat_key: str, message_id: int, *, after: timedelta) -> None:
        """Delete a message of the chat `after` from now (persisted)."""
        await asyncio.to_thread(self._state.deletions.schedule, chat_key, message_id, after=after)

    async def claim_due_deletions(self, *, chat_prefix: str = "") -> list[DueDeletion]:
        """Claim the messages (of chats with this key prefix) whose time to be deleted has come."""
        return await asyncio.to_thread(self._state.deletions.claim_due, chat_prefix=chat_prefix)

    async def deletion_done(self, deletion_id: int) -> None:
        """Record that a claimed message is gone."""
        await asyncio.to_thread(self._state.deletions.done, deletion_id)

    async def purge(self) -> None:
        """Drop keyboards, update ids and finished deletions too old to matter."""
        await asyncio.to_thread(self._state.purge)


class DatabasePendingInputStore:
    """PendingInputStore kept in the database (survives restarts, shared by instances)."""

    def __init__(self, inputs: PendingInputs) -> None:
        self._inputs = inputs

    async def get(self, sender_id: str) -> PendingKind | None:
        """The pending input kind of the sender (a secret kind, or "number"), if any."""
        kind = await asyncio.to_thread(self._inputs.get, sender_id)
        return kind if is_secret_kind(kind) or is_expected_kind(kind) else None

    async def set(self, sender_id: str, kind: PendingKind) -> None:
        """Remember the pending input kind."""
        await asyncio.to_thread(self._inputs.set, sender_id, kind)

    async def clear(self, sender_id: str) -> None:
        """Forget the pending secret kind."""
        await asyncio.to_thread(self._inputs.clear, sender_id)
