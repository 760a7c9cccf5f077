"""The private chats between the personas and the bot, and what the bot and the users do in them.

Every change bumps the chat's version and fires its `Signal`, which wakes the page's long-polls.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from bot.playground.entities import command_entities
from bot.playground.errors import JSON, NOT_MODIFIED, QUERY_INVALID, PageError, bad_request
from bot.playground.files import StoredFile
from bot.playground.messages import MAX_TEXT_LENGTH, CallbackQuery, ChatMessage, Content
from bot.playground.personas import PERSONAS, Persona
from bot.playground.signals import MAX_LONG_POLL_SECONDS, Signal

TYPING_SECONDS: Final = 5.0
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


class ChatBook:
    """Every chat of the playground, by user id, and the changes the bot and the users make.

    `PlaygroundState` extends it with what turns those changes into updates for the bot.
    """

    def __init__(
        self,
        *,
        personas: Iterable[Persona] = PERSONAS,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self.chats: dict[int, Chat] = {
            persona.user_id: Chat(persona, chat_instance=str(secrets.randbits(62)))
            for persona in personas
        }
        self._any_chat_signal = Signal()
        self._callbacks: dict[str, CallbackQuery] = {}
        self.closing = False

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

    def user_message(self, user_id: int, text: str) -> ChatMessage:
        """The persona types a message: it shows in the chat (a one-time keyboard goes)."""
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
        return message

    def user_tap(self, user_id: int, message_id: int, data: str) -> JSON:
        """The persona taps an inline button of a bot message: the `CallbackQuery` it makes."""
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
        return {
            "id": query.callback_query_id,
            "from": chat.persona.user_json(),
            "message": message.to_telegram(),
            "chat_instance": chat.chat_instance,
            "data": data,
        }

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

    def close(self) -> None:
        """Release every long-poll on a chat (the server is stopping)."""
        self.closing = True
        self._any_chat_signal.fire()
        for chat in self.chats.values():
            chat.signal.fire()
