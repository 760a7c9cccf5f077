"""The playground's fake Telegram world, in memory: chats, messages, updates, files, answers.

Pure model: no HTTP here. `botapi` (the bot's side) and `webapi` (the page's side) both act on
one `PlaygroundState`. Long-polls wait on `Signal`s that every change fires.
"""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from PIL import Image, UnidentifiedImageError

from bot.playground.entities import command_entities
from bot.playground.personas import PERSONAS, Persona, bot_user_json

TYPING_SECONDS: Final = 5.0
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
MAX_MEDIA_BYTES: Final = 50 * 1024 * 1024  # what bots may upload as animation, voice or audio
# Media kinds besides photos: Telegram's type name (as in "can't use file of type X as Y"), the
# start of its file_ids, its getFile folder and the file name extension used when none is given.
MEDIA_KINDS: Final[dict[str, tuple[str, str, str]]] = {
    "photo": ("Photo", "AgACAgEAAxkBAA", "photos"),
    "animation": ("Animation", "CgACAgEAAxkBAA", "animations"),
    "voice": ("VoiceNote", "AwACAgEAAxkBAA", "voice"),
    "audio": ("Audio", "CQACAgEAAxkBAA", "music"),
}
MAX_LONG_POLL_SECONDS: Final = 60.0
MAX_UPDATE_HISTORY: Final = 10_000  # updates kept for redelivery
FIRST_GUEST_ID: Final = 2001
CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types the playground produces; Telegram's default `allowed_updates` includes both.
UPDATE_KINDS: Final = ("message", "callback_query")
NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
QUERY_INVALID: Final = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE: Final = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
DEFAULT_MAX_CONNECTIONS: Final = 40

JSON = dict[str, Any]


class BotApiError(Exception):
    """A Bot API failure, worded and numbered as Telegram does."""

    def __init__(self, error_code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def as_json(self) -> JSON:
        """The Bot API's error body."""
        body: JSON = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> BotApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return BotApiError(400, f"Bad Request: {detail}")


class PageError(Exception):
    """A page API failure: an HTTP status and a short English reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Signal:
    """Wakes every waiter on `fire()`; a waiter that re-checks its condition loses no wake-up."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake the current waiters; later waiters wait for the next fire."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for the next fire, at most `timeout` seconds; True when fired."""
        if timeout <= 0:
            return False
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True


@dataclass
class StoredFile:
    """A file the stand-in holds (a photo, animation, voice note or audio the bot sent)."""

    file_id: str
    file_unique_id: str
    data: bytes
    mime_type: str
    width: int
    height: int
    file_path: str
    kind: str = "photo"
    duration: int = 0
    file_name: str | None = None

    def photo_size_json(self) -> JSON:
        """The Telegram `PhotoSize` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": len(self.data),
        }

    def media_json(self) -> JSON:
        """The Telegram `Animation`, `Voice` or `Audio` object of a media file."""
        media: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "duration": self.duration,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }
        if self.kind == "animation":
            media.update(width=self.width, height=self.height)
        if self.file_name is not None and self.kind != "voice":
            media["file_name"] = self.file_name
        return media

    def file_json(self) -> JSON:
        """The Telegram `File` object (what `getFile` answers)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class Content:
    """What a message shows; an edit that changes none of it is "not modified"."""

    text: str | None = None
    entities: tuple[JSON, ...] = ()
    caption: str | None = None
    caption_entities: tuple[JSON, ...] = ()
    html: str | None = None  # the source, when sent with parse_mode HTML
    reply_markup: JSON | None = None

    def shown(self) -> tuple[Any, ...]:
        """The parts Telegram compares when an edit arrives."""
        markup = json.dumps(self.reply_markup, sort_keys=True) if self.reply_markup else None
        return (
            self.text,
            json.dumps(self.entities, sort_keys=True),
            self.caption,
            json.dumps(self.caption_entities, sort_keys=True),
            markup,
        )


@dataclass
class ChatMessage:
    """One message of a private chat, from the user or from the bot."""

    message_id: int
    persona: Persona
    from_bot: bool
    date: int
    content: Content
    photo: StoredFile | None = None
    media: StoredFile | None = None  # an animation, a voice note or an audio file
    protect_content: bool = False
    disable_notification: bool = False
    edit_date: int | None = None
    deleted: bool = False

    def to_telegram(self) -> JSON:
        """The Telegram `Message` object."""
        message: JSON = {
            "message_id": self.message_id,
            "from": bot_user_json() if self.from_bot else self.persona.user_json(),
            "chat": self.persona.chat_json(),
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        content = self.content
        if content.text is not None:
            message["text"] = content.text
            if content.entities:
                message["entities"] = list(content.entities)
        if self.photo is not None:
            message["photo"] = [self.photo.photo_size_json()]
        if self.media is not None:
            message[self.media.kind] = self.media.media_json()
            if self.media.kind == "animation":
                # Telegram repeats an animation as a document, for older clients.
                message["document"] = {
                    key: value
                    for key, value in self.media.media_json().items()
                    if key in ("file_id", "file_unique_id", "file_name", "mime_type", "file_size")
                }
        if (self.photo is not None or self.media is not None) and content.caption:
            message["caption"] = content.caption
            if content.caption_entities:
                message["caption_entities"] = list(content.caption_entities)
        if content.reply_markup is not None:
            message["reply_markup"] = content.reply_markup
        if self.protect_content:
            message["has_protected_content"] = True
        return message

    def to_page(self) -> JSON:
        """The page API's view of the message (a deleted message keeps only its id and date)."""
        content = Content() if self.deleted else self.content
        photo = None if self.deleted else self.photo
        media = None if self.deleted else self.media
        buttons = [
            [
                {key: button[key] for key in ("text", "callback_data", "url") if key in button}
                for button in row
            ]
            for row in (content.reply_markup or {}).get("inline_keyboard", [])
        ]
        return {
            "message_id": self.message_id,
            "from": "bot" if self.from_bot else "user",
            "text": content.text,
            "caption": content.caption,
            "html": content.html,
            "photo": f"/playground/files/{photo.file_id}" if photo is not None else None,
            "photo_width": photo.width if photo is not None else None,
            "photo_height": photo.height if photo is not None else None,
            **{
                kind: (
                    f"/playground/files/{media.file_id}"
                    if media is not None and media.kind == kind
                    else None
                )
                for kind in ("animation", "voice", "audio")
            },
            "media_duration": media.duration if media is not None else None,
            "buttons": buttons,
            "protect_content": self.protect_content,
            "disable_notification": self.disable_notification,
            "deleted": self.deleted,
            "edited": self.edit_date is not None,
            "date": self.date,
        }


@dataclass
class CallbackQuery:
    """A button tap and, once the bot answers it, the answer."""

    callback_query_id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None

    def to_page(self) -> JSON:
        """The page API's view of the answer."""
        return {
            "callback_query_id": self.callback_query_id,
            "message_id": self.message_id,
            "data": self.data,
            "text": self.text,
            "show_alert": self.show_alert,
            "answered": self.answered,
        }


@dataclass
class Chat:
    """A private chat between one persona and the bot."""

    persona: Persona
    chat_instance: str
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    last_message_id: int = 0
    version: int = 1  # so that `since=0` always answers at once
    action: str | None = None
    action_until: float = 0.0
    reply_keyboard: JSON | None = None
    callbacks: list[CallbackQuery] = field(default_factory=list)
    signal: Signal = field(default_factory=Signal)


@dataclass
class QueuedUpdate:
    """An update waiting for the bot; a redelivered one skips the offset until delivered.

    With a webhook set, `in_flight` marks a POST under way and `not_before` (monotonic seconds)
    delays the retry after a failed one.
    """

    update_id: int
    kind: str
    payload: JSON
    redelivery: bool = False
    in_flight: bool = False
    attempts: int = 0
    not_before: float = 0.0


@dataclass(frozen=True)
class WebhookConfig:
    """What setWebhook registered: where updates go, the header they carry, how many at once."""

    url: str
    secret_token: str | None = field(default=None, repr=False)
    max_connections: int = DEFAULT_MAX_CONNECTIONS


@dataclass
class WebhookError:
    """The last failed delivery, as getWebhookInfo reports it."""

    date: int
    message: str


@dataclass
class Fault:
    """An injected failure for the next `count` calls of one method."""

    method: str
    count: int
    error: BotApiError


@dataclass
class Stats:
    """Counts per Bot API method, errors per method, and uploads."""

    calls: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    uploads: int = 0
    uploaded_bytes: int = 0
    updates_queued: int = 0

    def as_json(self) -> JSON:
        """The page API's stats."""
        return {
            "methods": dict(sorted(self.calls.items())),
            "errors": dict(sorted(self.errors.items())),
            "uploads": self.uploads,
            "uploaded_bytes": self.uploaded_bytes,
            "updates_queued": self.updates_queued,
        }


def random_first_update_id() -> int:
    """Telegram starts a fresh update sequence at a random number; so does each playground run.

    The bot remembers processed update ids in its database: restarting the playground at 1 would
    make it drop the new updates as duplicates.
    """
    return 100_000_000 + secrets.randbelow(800_000_000)


class PlaygroundState:
    """The whole fake Telegram world of one playground process."""

    def __init__(
        self,
        *,
        personas: Iterable[Persona] = PERSONAS,
        first_update_id: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        webhook_hosts: Iterable[str] = (),
    ) -> None:
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self.chats: dict[int, Chat] = {
            persona.user_id: Chat(persona, chat_instance=str(secrets.randbits(62)))
            for persona in personas
        }
        self._next_update_id = (
            random_first_update_id() if first_update_id is None else first_update_id
        )
        self._queue: list[QueuedUpdate] = []
        self._history: dict[int, QueuedUpdate] = {}
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._updates_signal = Signal()
        self._any_chat_signal = Signal()
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._callbacks: dict[str, CallbackQuery] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._faults: dict[str, Fault] = {}
        self.webhook: WebhookConfig | None = None
        # Hosts besides loopback addresses that setWebhook may name.
        self.webhook_hosts = frozenset(webhook_hosts)
        self.webhook_error: WebhookError | None = None
        self.stats = Stats()
        self.closing = False

    # -- chats and messages --------------------------------------------------------------

    def chat(self, chat_id: int) -> Chat:
        """The chat with this id, or Telegram's "chat not found"."""
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def personas(self) -> list[Persona]:
        """Everyone who can chat with the bot, the contract's five first."""
        return [chat.persona for chat in self.chats.values()]

    def add_persona(
        self, *, first_name: str, last_name: str | None, phone: str | None, description: str
    ) -> Persona:
        """A new test persona ("guest") with a fresh user id from 2001 up, and its chat."""
        user_id = max([FIRST_GUEST_ID - 1, *self.chats]) + 1
        persona = Persona(user_id, first_name, last_name, "guest", phone, description)
        self.chats[user_id] = Chat(persona, chat_instance=str(secrets.randbits(62)))
        self._any_chat_signal.fire()
        return persona

    def page_chat(self, user_id: int) -> Chat:
        """The chat of a persona, for the page API (404 when there is no such persona)."""
        chat = self.chats.get(user_id)
        if chat is None:
            raise PageError(404, "no such persona")
        return chat

    def now(self) -> int:
        """Telegram's unix-seconds date."""
        return int(self._wall_clock())

    def _changed(self, chat: Chat) -> None:
        chat.version += 1
        chat.signal.fire()
        self._any_chat_signal.fire()

    def _new_message(
        self, chat: Chat, *, from_bot: bool, content: Content, **extra: Any
    ) -> ChatMessage:
        chat.last_message_id += 1
        message = ChatMessage(
            message_id=chat.last_message_id,
            persona=chat.persona,
            from_bot=from_bot,
            date=self.now(),
            content=content,
            **extra,
        )
        chat.messages[message.message_id] = message
        return message

    def bot_send(
        self,
        chat_id: int,
        content: Content,
        *,
        photo: StoredFile | None = None,
        media: StoredFile | None = None,
        protect_content: bool = False,
        disable_notification: bool = False,
        reply_keyboard: JSON | None = None,
        remove_keyboard: bool = False,
    ) -> ChatMessage:
        """The bot sends a message: it stops "typing" and may set or remove a reply keyboard."""
        chat = self.chat(chat_id)
        message = self._new_message(
            chat,
            from_bot=True,
            content=content,
            photo=photo,
            media=media,
            protect_content=protect_content,
            disable_notification=disable_notification,
        )
        chat.action = None
        if reply_keyboard is not None:
            chat.reply_keyboard = reply_keyboard
        elif remove_keyboard:
            chat.reply_keyboard = None
        self._changed(chat)
        return message

    def _message_to_edit(self, chat_id: int, message_id: int) -> ChatMessage:
        message = self.chat(chat_id).messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def bot_edit_text(self, chat_id: int, message_id: int, content: Content) -> ChatMessage:
        """editMessageText: new text (and markup; none removes the keyboard)."""
        message = self._message_to_edit(chat_id, message_id)
        if message.content.text is None:
            raise bad_request("there is no text in the message to edit")
        return self._apply_edit(message, content)

    def bot_edit_caption(self, chat_id: int, message_id: int, content: Content) -> ChatMessage:
        """editMessageCaption: new caption (and markup) of a photo, animation, voice or audio."""
        message = self._message_to_edit(chat_id, message_id)
        if message.photo is None and message.media is None:
            raise bad_request("there is no caption in the message to edit")
        return self._apply_edit(message, content)

    def bot_edit_markup(
        self, chat_id: int, message_id: int, reply_markup: JSON | None
    ) -> ChatMessage:
        """editMessageReplyMarkup: only the inline keyboard changes."""
        message = self._message_to_edit(chat_id, message_id)
        current = message.content
        new = Content(
            text=current.text,
            entities=current.entities,
            caption=current.caption,
            caption_entities=current.caption_entities,
            html=current.html,
            reply_markup=reply_markup,
        )
        return self._apply_edit(message, new)

    def _apply_edit(self, message: ChatMessage, content: Content) -> ChatMessage:
        if content.shown() == message.content.shown():
            raise bad_request(NOT_MODIFIED)
        message.content = content
        message.edit_date = self.now()
        self._changed(self.chats[message.persona.user_id])
        return message

    def bot_delete(self, chat_id: int, message_id: int) -> None:
        """deleteMessage: bots may delete their own and, in private chats, the user's messages.

        The message stays in the model, flagged, with its content wiped (it may be a secret).
        """
        chat = self.chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        message.content = Content()
        self._changed(chat)

    def set_chat_action(self, chat_id: int, action: str) -> None:
        """sendChatAction: shown for 5 s or until the bot's next message."""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat = self.chat(chat_id)
        chat.action = action
        chat.action_until = self._monotonic() + TYPING_SECONDS
        self._changed(chat)

    def _expire_action(self, chat: Chat) -> None:
        if chat.action is not None and self._monotonic() >= chat.action_until:
            chat.action = None
            self._changed(chat)

    # -- what the page does --------------------------------------------------------------

    def user_sends(self, user_id: int, text: str) -> tuple[int | None, int]:
        """The persona types a message: it shows in the chat and becomes a `message` update."""
        chat = self.page_chat(user_id)
        if not text.strip():
            raise PageError(400, "text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise PageError(400, f"text is longer than {MAX_TEXT_LENGTH} characters")
        message = self._new_message(
            chat,
            from_bot=False,
            content=Content(text=text, entities=tuple(command_entities(text))),
        )
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        self._changed(chat)
        update_id = self._queue_update("message", message.to_telegram())
        return update_id, message.message_id

    def user_taps(self, user_id: int, message_id: int, data: str) -> tuple[int | None, str]:
        """The persona taps an inline button of a bot message: a `callback_query` update."""
        chat = self.page_chat(user_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted or not message.from_bot:
            raise PageError(404, "no such bot message in this chat")
        keyboard = (message.content.reply_markup or {}).get("inline_keyboard", [])
        if not any(button.get("callback_data") == data for row in keyboard for button in row):
            raise PageError(400, "the message has no button with this callback_data")
        query = CallbackQuery(
            callback_query_id=str(secrets.randbits(63)),
            chat_id=chat.persona.user_id,
            message_id=message_id,
            data=data,
        )
        self._callbacks[query.callback_query_id] = query
        chat.callbacks.append(query)
        self._changed(chat)
        update_id = self._queue_update(
            "callback_query",
            {
                "id": query.callback_query_id,
                "from": chat.persona.user_json(),
                "message": message.to_telegram(),
                "chat_instance": chat.chat_instance,
                "data": data,
            },
        )
        return update_id, query.callback_query_id

    def answer_callback(
        self, callback_query_id: str, *, text: str | None, show_alert: bool, url: str | None
    ) -> None:
        """answerCallbackQuery: once per query, like Telegram."""
        query = self._callbacks.get(callback_query_id)
        if query is None or query.answered:
            raise bad_request(QUERY_INVALID)
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.text = text or None
        query.show_alert = show_alert
        query.url = url
        self._changed(self.chats[query.chat_id])

    def chat_snapshot(self, user_id: int) -> JSON:
        """The page API's chat state."""
        chat = self.page_chat(user_id)
        self._expire_action(chat)
        return {
            "user_id": user_id,
            "version": chat.version,
            "typing": chat.action is not None,
            "chat_action": chat.action,
            "commands": self.visible_commands(user_id),
            "reply_keyboard": chat.reply_keyboard,
            "messages": [message.to_page() for message in chat.messages.values()],
            "callback_answers": [query.to_page() for query in chat.callbacks],
        }

    def chats_summary(self) -> list[JSON]:
        """One line per chat for the page's persona list (unread badges, last message)."""
        summary = []
        for chat in self.chats.values():
            self._expire_action(chat)
            live = [message for message in chat.messages.values() if not message.deleted]
            last = live[-1] if live else None
            summary.append(
                {
                    "user_id": chat.persona.user_id,
                    "version": chat.version,
                    "typing": chat.action is not None,
                    "bot_message_ids": [m.message_id for m in live if m.from_bot][-100:],
                    "last_message": (
                        None
                        if last is None
                        else {
                            "from": "bot" if last.from_bot else "user",
                            "text": last.content.text or last.content.caption or "",
                            "photo": last.photo is not None,
                            "media": last.media.kind if last.media is not None else None,
                            "date": last.date,
                        }
                    ),
                }
            )
        return summary

    async def wait_chat(self, user_id: int, since: int, wait: float) -> None:
        """Return when the chat's version exceeds `since`, or after `wait` seconds.

        A chat action that runs out while waiting counts as a change (the page hides "typing").
        """
        chat = self.page_chat(user_id)
        deadline = self._monotonic() + min(max(wait, 0.0), MAX_LONG_POLL_SECONDS)
        while not self.closing:
            self._expire_action(chat)
            if chat.version > since:
                return
            now = self._monotonic()
            if now >= deadline:
                return
            until = deadline
            if chat.action is not None:
                until = min(until, chat.action_until)
            await chat.signal.wait(max(until - now, 0.001))

    # -- updates -------------------------------------------------------------------------

    def _queue_update(self, kind: str, body: JSON) -> int | None:
        if self._allowed_updates is not None and kind not in self._allowed_updates:
            return None
        update_id = self._next_update_id
        self._next_update_id += 1
        update = QueuedUpdate(update_id, kind, {"update_id": update_id, kind: body})
        self._history[update_id] = update
        if len(self._history) > MAX_UPDATE_HISTORY:
            del self._history[next(iter(self._history))]
        self._queue.append(update)
        self.stats.updates_queued += 1
        self._updates_signal.fire()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an update again with the same update_id, as Telegram does after a lost ack."""
        original = self._history.get(update_id)
        if original is None:
            raise PageError(404, "no such update")
        self._queue.append(
            QueuedUpdate(update_id, original.kind, original.payload, redelivery=True)
        )
        self.stats.updates_queued += 1
        self._updates_signal.fire()

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._queue = self._queue[offset:]
        elif offset > 0:
            self._queue = [u for u in self._queue if u.redelivery or u.update_id >= offset]

    def _batch(self, limit: int) -> list[QueuedUpdate]:
        # Redelivered updates first: PTB takes the next offset from the last update it gets.
        ordered = sorted(self._queue, key=lambda u: (not u.redelivery, u.update_id))
        return ordered[:limit]

    def drop_pending_updates(self) -> None:
        """deleteWebhook(drop_pending_updates=True)."""
        self._queue.clear()

    # -- webhook -------------------------------------------------------------------------

    def set_webhook(
        self, config: WebhookConfig, *, allowed_updates: list[str] | None, drop_pending: bool
    ) -> None:
        """setWebhook: from now on updates are POSTed (the same call again changes nothing).

        A waiting getUpdates ends with 409, as on Telegram.
        """
        if allowed_updates is not None:
            self._allowed_updates = frozenset(allowed_updates) or None
        if drop_pending:
            self.drop_pending_updates()
        if self.webhook is None or self.webhook.url != config.url:
            self.webhook_error = None
        self.webhook = config
        self._poll_generation += 1
        self._updates_signal.fire()

    def delete_webhook(self, *, drop_pending: bool) -> None:
        """deleteWebhook: back to getUpdates; undelivered updates wait for it unless dropped."""
        self.webhook = None
        self.webhook_error = None
        if drop_pending:
            self.drop_pending_updates()
        for update in self._queue:
            update.not_before = 0.0
        self._updates_signal.fire()

    def take_deliveries(self) -> list[QueuedUpdate]:
        """Updates to POST now: the due ones among the max_connections lowest undelivered
        update_ids (so with max_connections=1 they go one by one, in order, retries included)."""
        if self.webhook is None:
            return []
        now = self._monotonic()
        window = sorted(self._queue, key=lambda update: update.update_id)
        window = window[: self.webhook.max_connections]
        taken = [u for u in window if not u.in_flight and u.not_before <= now]
        for update in taken:
            update.in_flight = True
            update.attempts += 1
        return taken

    def delivered(self, update: QueuedUpdate) -> None:
        """The webhook answered 2xx: the update is confirmed."""
        update.in_flight = False
        self._queue = [queued for queued in self._queue if queued is not update]
        self._updates_signal.fire()

    def delivery_failed(self, update: QueuedUpdate, message: str, retry_in: float) -> None:
        """The webhook failed: keep the update and try again after `retry_in` seconds."""
        update.in_flight = False
        update.not_before = self._monotonic() + retry_in
        if self.webhook is not None:
            self.webhook_error = WebhookError(self.now(), message)
        self._updates_signal.fire()

    def seconds_to_next_delivery(self) -> float | None:
        """How long until a waiting update is due (0 when one is), None when none waits."""
        if self.webhook is None:
            return None
        waiting = [u.not_before for u in self._queue if not u.in_flight]
        if not waiting:
            return None
        return max(min(waiting) - self._monotonic(), 0.0)

    async def wait_for_updates(self, timeout: float) -> None:
        """Until the queue or the webhook changes, or `timeout` seconds."""
        await self._updates_signal.wait(timeout)

    def webhook_info(self) -> JSON:
        """getWebhookInfo."""
        info: JSON = {
            "url": self.webhook.url if self.webhook is not None else "",
            "has_custom_certificate": False,
            "pending_update_count": self.pending_update_count,
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self._allowed_updates is not None:
                info["allowed_updates"] = sorted(self._allowed_updates)
        if self.webhook_error is not None:
            info["last_error_date"] = self.webhook_error.date
            info["last_error_message"] = self.webhook_error.message
        return info

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed."""
        return len(self._queue)

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
        if allowed_updates is not None:
            self._allowed_updates = frozenset(allowed_updates) or None
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()
        deadline = self._monotonic() + min(max(timeout, 0.0), MAX_LONG_POLL_SECONDS)
        while True:
            batch = self._batch(max(1, min(limit, 100)))
            if batch:
                for update in batch:
                    update.redelivery = False
                return [update.payload for update in batch]
            remaining = deadline - self._monotonic()
            if remaining <= 0 or self.closing:
                return []
            await self._updates_signal.wait(remaining)
            if self.webhook is not None:
                raise BotApiError(409, WEBHOOK_ACTIVE)
            if generation != self._poll_generation:
                raise BotApiError(409, CONFLICT)

    # -- files ---------------------------------------------------------------------------

    def store_photo(self, data: bytes, *, uploaded: bool) -> StoredFile:
        """Keep a photo (uploaded by the bot, or fetched from a URL) and give it a file_id."""
        if len(data) > MAX_PHOTO_BYTES:
            raise bad_request("file is too big")
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                mime_type = Image.MIME.get(image.format or "", "application/octet-stream")
        except (UnidentifiedImageError, OSError) as error:
            raise bad_request("IMAGE_PROCESS_FAILED") from error
        number = len(self._files) + 1
        extension = mime_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        stored = StoredFile(
            file_id="AgACAgEAAxkBAA" + secrets.token_urlsafe(36),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            data=data,
            mime_type=mime_type,
            width=width,
            height=height,
            file_path=f"photos/file_{number}.{extension}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        if uploaded:
            self.stats.uploads += 1
            self.stats.uploaded_bytes += len(data)
        return stored

    def store_media(
        self,
        data: bytes,
        *,
        kind: str,
        uploaded: bool,
        duration: int = 0,
        file_name: str | None = None,
    ) -> StoredFile:
        """Keep an animation, voice note or audio file and give it a file_id of its kind.

        The size of a GIF animation is read; other animations are taken to be MP4 videos.
        """
        if kind not in MEDIA_KINDS or kind == "photo":
            raise ValueError(f"not a media kind: {kind}")
        if not data:
            raise bad_request(f"there is no {kind} in the request")
        if len(data) > MAX_MEDIA_BYTES:
            raise bad_request("file is too big")
        width = height = 0
        mime_type = {"voice": "audio/mpeg", "audio": "audio/mpeg"}.get(kind, "video/mp4")
        if kind == "animation":
            try:
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
                    mime_type = Image.MIME.get(image.format or "", mime_type)
            except (UnidentifiedImageError, OSError):
                pass  # not a GIF: an MP4 animation, kept as it came
        elif data[:4] == b"OggS":
            mime_type = "audio/ogg"
        _, prefix, folder = MEDIA_KINDS[kind]
        number = len(self._files) + 1
        extension = {"audio/ogg": "oga", "audio/mpeg": "mp3"}.get(
            mime_type, mime_type.rsplit("/", 1)[-1]
        )
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(36),
            file_unique_id="AgAD" + secrets.token_urlsafe(9),
            data=data,
            mime_type=mime_type,
            width=width,
            height=height,
            file_path=f"{folder}/file_{number}.{extension}",
            kind=kind,
            duration=duration,
            file_name=file_name,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        if uploaded:
            self.stats.uploads += 1
            self.stats.uploaded_bytes += len(data)
        return stored

    def file(self, file_id: str) -> StoredFile | None:
        """A file by the file_id the stand-in issued."""
        return self._files.get(file_id)

    def file_by_path(self, file_path: str) -> StoredFile | None:
        """A file by the file_path `getFile` gave."""
        return self._files_by_path.get(file_path)

    # -- commands ------------------------------------------------------------------------

    @staticmethod
    def _scope_key(scope: JSON | None) -> str:
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    def set_commands(self, commands: list[JSON], scope: JSON | None, language_code: str) -> None:
        """setMyCommands for one scope and language."""
        key = (self._scope_key(scope), language_code)
        if commands:
            self._commands[key] = commands
        else:
            self._commands.pop(key, None)
        for chat in self.chats.values():
            self._changed(chat)

    def get_commands(self, scope: JSON | None, language_code: str) -> list[JSON]:
        """getMyCommands for exactly this scope and language."""
        return list(self._commands.get((self._scope_key(scope), language_code), []))

    def visible_commands(self, user_id: int) -> list[JSON]:
        """The menu a Spanish-speaking user sees in their private chat (Telegram's order)."""
        scopes = (
            {"type": "chat", "chat_id": user_id},
            {"type": "all_private_chats"},
            {"type": "default"},
        )
        for scope in scopes:
            for language in ("es", ""):
                commands = self._commands.get((self._scope_key(scope), language))
                if commands:
                    return list(commands)
        return []

    # -- faults and stats ----------------------------------------------------------------

    def inject_fault(self, method: str, count: int, error: BotApiError) -> None:
        """Fail the next `count` calls of `method` (any spelling case) with `error`."""
        self._faults[method.lower()] = Fault(method, count, error)

    def clear_faults(self) -> None:
        """Forget every injected fault."""
        self._faults.clear()

    def pending_faults(self) -> list[JSON]:
        """The faults still to fire."""
        return [
            {"method": fault.method, "count": fault.count, **fault.error.as_json()}
            for fault in self._faults.values()
        ]

    def take_fault(self, method: str) -> BotApiError | None:
        """The error this call must fail with, if a fault is pending for its method."""
        fault = self._faults.get(method.lower())
        if fault is None:
            return None
        fault.count -= 1
        if fault.count <= 0:
            del self._faults[method.lower()]
        return fault.error

    def record_call(self, method: str, *, ok: bool) -> None:
        """Count one Bot API call."""
        self.stats.calls[method] = self.stats.calls.get(method, 0) + 1
        if not ok:
            self.stats.errors[method] = self.stats.errors.get(method, 0) + 1

    def close(self) -> None:
        """Release every long-poll (the server is stopping)."""
        self.closing = True
        self._updates_signal.fire()
        self._any_chat_signal.fire()
        for chat in self.chats.values():
            chat.signal.fire()
