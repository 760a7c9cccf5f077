"""Pictures, animations and sounds sent to a Telegram chat, each uploaded once: the file_id
Telegram gives an upload is cached per bot and content, and sent again instead of the bytes."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Final

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.channel_texts import ChannelTexts
from bot.chat_state.async_state import AsyncChatState
from bot.pictures import (
    content_cache_key,
    goal_progress_cache_key,
    picture_cache_key,
    render_goal_progress,
    render_picture,
)
from bot.pictures.celebration import celebration_animation
from bot.rasa_messages import Celebration, GoalProgress, Picture
from bot.sounds.jingle import celebration_jingle
from bot.telegram.ui import MAX_CAPTION_LENGTH, html_text

logger = logging.getLogger(__name__)

KEYBOARD_PICTURE_NAME: Final = "opciones.png"
PICTURE_NAME: Final = "imagen.png"
GOAL_PICTURE_NAME: Final = "meta.png"
ANIMATION_NAME: Final = "celebracion.gif"
JINGLE_NAME: Final = "celebracion.mp3"
CELEBRATION_TEXT_PREFIX: Final = "utter_channel_celebration_"
# Telegram's answer when the user allows voice notes only from contacts (a Premium setting).
VOICE_FORBIDDEN: Final = "VOICE_MESSAGES_FORBIDDEN"


def _voice_forbidden(error: BadRequest) -> bool:
    """Telegram's refusal of voice notes (python-telegram-bot changes the message's case)."""
    return VOICE_FORBIDDEN.lower() in error.message.lower()


class MediaSender:
    """Sends cached media to Telegram chats for one bot (its id keys the file_id cache)."""

    def __init__(
        self, *, bot: Bot, state: AsyncChatState, texts: ChannelTexts, bot_id: str
    ) -> None:
        self._bot = bot
        self._state = state
        self._texts = texts
        self._bot_id = bot_id

    async def send_cached_picture(
        self,
        chat_id: int,
        *,
        cache_key: str,
        draw: Callable[[], bytes],
        caption: str,
        markup: InlineKeyboardMarkup | None = None,
        protect: bool = False,
        cache: bool = True,
        filename: str = KEYBOARD_PICTURE_NAME,
        silent: bool = False,
    ) -> Message:
        """Send a picture by its cached file_id, or draw and upload it once and cache the id."""

        async def send(photo: str | InputFile) -> Message:
            return await self._send_photo(chat_id, photo, caption, markup, protect, silent)

        return await self._send_cached_file(
            cache_key=cache_key if cache else None,
            produce=draw,
            filename=filename,
            send=send,
            file_id_of=lambda sent: sent.photo[-1].file_id if sent.photo else None,
        )

    async def _send_cached_file(
        self,
        *,
        cache_key: str | None,
        produce: Callable[[], bytes],
        filename: str,
        send: Callable[[str | InputFile], Awaitable[Message]],
        file_id_of: Callable[[Message], str | None],
    ) -> Message:
        """Send a file by its cached file_id, or make and upload it once and cache the id.

        cache_key None: never cached (a secret, a shuffled grid). Making runs in a thread.
        """
        cached = (
            await self._state.media_file_id(self._bot_id, cache_key)
            if cache_key is not None
            else None
        )
        if cache_key is not None and cached is not None:
            try:
                return await send(cached)
            except BadRequest as exc:
                if _voice_forbidden(exc):
                    raise  # the chat refuses any voice note, cached or new: keep the cache
                # The platform forgot the file (or it came from another bot): upload again.
                logger.info("cached file refused; uploading it again")
                await self._state.forget_media(self._bot_id, cache_key)
        data = await asyncio.to_thread(produce)
        sent = await send(InputFile(data, filename=filename))
        file_id = file_id_of(sent)
        if cache_key is not None and file_id:
            await self._state.remember_media(self._bot_id, cache_key, file_id)
        return sent

    async def _send_photo(
        self,
        chat_id: int,
        photo: str | InputFile,
        caption: str,
        markup: InlineKeyboardMarkup | None,
        protect: bool,
        silent: bool = False,
    ) -> Message:
        return await self._bot.send_photo(
            chat_id,
            photo,
            caption=html_text(caption[:MAX_CAPTION_LENGTH]),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            protect_content=protect,
            disable_notification=silent,
        )

    async def send_picture(self, chat_id: int, picture: Picture, *, silent: bool = False) -> None:
        """Send one drawn picture (an avatar) with its caption; the upload is cached."""
        await self.send_cached_picture(
            chat_id,
            cache_key=picture_cache_key(picture.id),
            draw=lambda: render_picture(picture.id),
            caption=picture.caption,
            filename=PICTURE_NAME,
            silent=silent,
        )

    async def send_goal_progress(
        self, chat_id: int, goal: GoalProgress, *, silent: bool = False
    ) -> None:
        """Send a savings goal's progress card; the upload is cached per name and figures."""
        await self.send_cached_picture(
            chat_id,
            cache_key=goal_progress_cache_key(goal),
            draw=lambda: render_goal_progress(goal),
            caption="",
            filename=GOAL_PICTURE_NAME,
            silent=silent,
        )

    async def send_celebration(self, chat_id: int, celebration: Celebration) -> None:
        """Confetti (an animation with the caption) and a jingle (a voice note), both cached.

        Decoration only: a failure is logged and the rest of the turn goes on.
        """
        caption = self._texts.get(CELEBRATION_TEXT_PREFIX + celebration.reason)
        try:
            await self._send_celebration_animation(chat_id, caption)
        except Exception as exc:  # Telegram or the media cache: never worth losing the turn
            logger.warning("celebration animation not sent (%s)", type(exc).__name__)
        try:
            await self._send_jingle(chat_id)
        except Exception as exc:
            logger.warning("celebration sound not sent (%s)", type(exc).__name__)

    async def _send_celebration_animation(self, chat_id: int, caption: str) -> None:
        # Made once per process (a fraction of a second); its bytes are its cache key.
        gif = await asyncio.to_thread(celebration_animation)

        async def send(animation: str | InputFile) -> Message:
            return await self._bot.send_animation(
                chat_id,
                animation,
                caption=html_text(caption[:MAX_CAPTION_LENGTH]),
                parse_mode=ParseMode.HTML,
            )

        await self._send_cached_file(
            cache_key=content_cache_key("animation", gif),
            produce=lambda: gif,
            filename=ANIMATION_NAME,
            send=send,
            file_id_of=lambda sent: sent.animation.file_id if sent.animation else None,
        )

    async def _send_jingle(self, chat_id: int) -> None:
        """The jingle as a voice note: a small bubble that plays in place, no music-player entry.

        A user who allows voice notes only from contacts gets it as an audio file instead.
        """
        jingle = await asyncio.to_thread(celebration_jingle)
        duration = math.ceil(jingle.seconds)

        def mp3() -> bytes:
            return jingle.mp3

        async def voice(sound: str | InputFile) -> Message:
            return await self._bot.send_voice(chat_id, sound, duration=duration)

        async def audio(sound: str | InputFile) -> Message:
            return await self._bot.send_audio(chat_id, sound, duration=duration)

        try:
            await self._send_cached_file(
                cache_key=content_cache_key("voice", jingle.mp3),
                produce=mp3,
                filename=JINGLE_NAME,
                send=voice,
                file_id_of=lambda sent: sent.voice.file_id if sent.voice else None,
            )
        except BadRequest as exc:
            if not _voice_forbidden(exc):
                raise
            logger.info("voice notes refused by the user; the jingle goes as an audio file")
            await self._send_cached_file(
                cache_key=content_cache_key("audio", jingle.mp3),
                produce=mp3,
                filename=JINGLE_NAME,
                send=audio,
                file_id_of=lambda sent: sent.audio.file_id if sent.audio else None,
            )
