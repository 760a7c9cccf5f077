"""The playground's fake Telegram world, in memory: chats, updates, webhook, files, commands.

Pure model: no HTTP here. `botapi` (the bot's side) and `webapi` (the page's side) both act on
one `PlaygroundState`, which owns one part per job (see the modules it imports) and does what
spans them: a user's message or tap becomes an update, getUpdates and the webhook exclude each
other. Long-polls wait on `Signal`s that every change fires.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from bot.playground.chats import ChatBook
from bot.playground.commands import CommandMenus
from bot.playground.errors import CONFLICT, JSON, WEBHOOK_ACTIVE, BotApiError
from bot.playground.faults import FaultBook
from bot.playground.files import FileStore
from bot.playground.personas import PERSONAS, Persona
from bot.playground.signals import MAX_LONG_POLL_SECONDS
from bot.playground.stats import Stats
from bot.playground.updates import UpdateQueue
from bot.playground.webhook import WebhookConfig, WebhookDelivery, WebhookError


class PlaygroundState(ChatBook):
    """The whole fake Telegram world of one playground process: its chats and their parts."""

    def __init__(
        self,
        *,
        personas: Iterable[Persona] = PERSONAS,
        first_update_id: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        webhook_hosts: Iterable[str] = (),
    ) -> None:
        super().__init__(personas=personas, monotonic=monotonic, wall_clock=wall_clock)
        self.stats = Stats()
        self.updates = UpdateQueue(self.stats, first_update_id=first_update_id)
        self.delivery = WebhookDelivery(
            self.updates,
            hosts=frozenset(webhook_hosts),
            monotonic=monotonic,
            wall_clock=wall_clock,
        )
        self.files = FileStore(self.stats)
        self.commands = CommandMenus()
        self.faults = FaultBook()
        self._poll_generation = 0

    # -- what the page does ----------------------------------------------------------------

    def user_sends(self, user_id: int, text: str) -> tuple[int | None, int]:
        """The persona types a message: it shows in the chat and becomes a `message` update."""
        message = self.user_message(user_id, text)
        update_id = self.updates.add("message", message.to_telegram())
        return update_id, message.message_id

    def user_taps(self, user_id: int, message_id: int, data: str) -> tuple[int | None, str]:
        """The persona taps an inline button of a bot message: a `callback_query` update."""
        query = self.user_tap(user_id, message_id, data)
        update_id = self.updates.add("callback_query", query)
        return update_id, str(query["id"])

    def chat_snapshot(self, user_id: int) -> JSON:
        """The page API's chat state."""
        chat = self.page_chat(user_id)
        self._expire_action(chat)
        return {
            "user_id": user_id,
            "version": chat.version,
            "typing": chat.action is not None,
            "chat_action": chat.action,
            "commands": self.commands.visible(user_id),
            "reply_keyboard": chat.reply_keyboard,
            "messages": [message.to_page() for message in chat.messages.values()],
            "callback_answers": [query.to_page() for query in chat.callbacks],
        }

    # -- commands ----------------------------------------------------------------------------

    def set_commands(self, commands: list[JSON], scope: JSON | None, language_code: str) -> None:
        """setMyCommands for one scope and language; every chat shows the change."""
        self.commands.set(commands, scope, language_code)
        for chat in self.chats.values():
            self._changed(chat)

    # -- getUpdates and the webhook ----------------------------------------------------------

    @property
    def webhook(self) -> WebhookConfig | None:
        """The webhook setWebhook registered, None while the bot uses getUpdates."""
        return self.delivery.config

    @property
    def webhook_error(self) -> WebhookError | None:
        """The last failed webhook delivery."""
        return self.delivery.error

    def webhook_info(self) -> JSON:
        """getWebhookInfo."""
        return self.delivery.info()

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed."""
        return self.updates.pending_count

    def set_webhook(
        self, config: WebhookConfig, *, allowed_updates: list[str] | None, drop_pending: bool
    ) -> None:
        """setWebhook: from now on updates are POSTed (the same call again changes nothing).

        A waiting getUpdates ends with 409, as on Telegram. (deleteWebhook ends none: it is
        `delivery.delete` alone.)
        """
        self._poll_generation += 1
        self.delivery.set(config, allowed_updates=allowed_updates, drop_pending=drop_pending)

    async def get_updates(
        self,
        *,
        offset: int,
        limit: int,
        timeout: float,
        allowed_updates: list[str] | None,
    ) -> list[JSON]:
        """getUpdates: confirm below `offset`, then answer at once or long-poll `timeout` s.

        A newer getUpdates call ends a waiting one with 409 Conflict, as on Telegram.
        """
        if self.webhook is not None:
            raise BotApiError(409, WEBHOOK_ACTIVE)
        self.updates.allow(allowed_updates)
        self.updates.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self.updates.signal.fire()
        deadline = self._monotonic() + min(max(timeout, 0.0), MAX_LONG_POLL_SECONDS)
        while True:
            batch = self.updates.batch(max(1, min(limit, 100)))
            if batch:
                for update in batch:
                    update.redelivery = False
                return [update.payload for update in batch]
            remaining = deadline - self._monotonic()
            if remaining <= 0 or self.closing:
                return []
            await self.updates.signal.wait(remaining)
            if self.webhook is not None:
                raise BotApiError(409, WEBHOOK_ACTIVE)
            if generation != self._poll_generation:
                raise BotApiError(409, CONFLICT)

    def close(self) -> None:
        """Release every long-poll (the server is stopping)."""
        super().close()
        self.updates.signal.fire()
