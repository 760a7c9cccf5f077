"""What a chat shows: messages with their content, and the answers to button taps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from bot.playground.errors import JSON
from bot.playground.files import StoredFile
from bot.playground.personas import Persona, bot_user_json

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024


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
