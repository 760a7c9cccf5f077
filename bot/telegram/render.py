"""Renders a Turn (what Rasa answered) as Telegram messages: text, inline keyboards, pictures."""

from __future__ import annotations

import asyncio
import html
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bank.channel_state import ACTION_DONE, ACTION_PICK, ACTION_SEND, ACTION_UNDO, ButtonSpec
from bot.channel_stores import AsyncChannelState, AsyncQuietChats
from bot.conversation import Turn
from bot.pictures import (
    content_cache_key,
    goal_progress_cache_key,
    keyboard_cache_key,
    picture_cache_key,
    render_goal_progress,
    render_keyboard,
    render_picture,
)
from bot.pictures.celebration import celebration_animation
from bot.pictures.grid import grid_columns
from bot.rasa_client import (
    ActivationCode,
    BotMessage,
    Celebration,
    DeepLink,
    ExpectedInput,
    GoalProgress,
    ImageKeyboard,
    ImageMessage,
    Picture,
    QrCode,
    SecureInputRequest,
    SensitiveMarker,
    TextMessage,
    UnknownCustom,
)
from bot.sounds.jingle import celebration_jingle
from bot.telegram.texts import ChannelTexts
from bot.telegram.token_qr import send_token_qr
from bot.telegram.ui import (
    MAX_CAPTION_LENGTH,
    choice_keyboard,
    html_text,
    numbered_keyboard,
    progress,
    split_text,
)

logger = logging.getLogger(__name__)

KEYBOARD_PICTURE_NAME: Final = "opciones.png"
PICTURE_NAME: Final = "imagen.png"
GOAL_PICTURE_NAME: Final = "meta.png"
ANIMATION_NAME: Final = "celebracion.gif"
JINGLE_NAME: Final = "celebracion.mp3"
DEEP_LINK_BASE: Final = "https://t.me/"
CELEBRATION_TEXT_PREFIX: Final = "utter_channel_celebration_"
# Telegram's answer when the user allows voice notes only from contacts (a Premium setting).
VOICE_FORBIDDEN: Final = "VOICE_MESSAGES_FORBIDDEN"


def button_columns(option_count: int) -> int:
    """Numbered buttons per row: the picture's columns, so buttons line up with its cells."""
    return min(option_count, grid_columns(option_count))


def chat_key(chat_id: int) -> str:
    """The Rasa sender id and channel-state key of a Telegram chat."""
    return f"tg:{chat_id}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A bot message and whether it must be protected from forwarding and saving."""

    message: BotMessage
    protect: bool


def mark_sensitive(messages: Sequence[BotMessage]) -> list[Outgoing]:
    """Pair messages with their protection: a SensitiveMarker protects the text before it."""
    out: list[Outgoing] = []
    for message in messages:
        if isinstance(message, SensitiveMarker):
            for index in range(len(out) - 1, -1, -1):
                if isinstance(out[index].message, TextMessage):
                    out[index] = Outgoing(out[index].message, protect=True)
                    break
            continue
        out.append(Outgoing(message, protect=isinstance(message, (QrCode, ActivationCode))))
    return out


def deep_link(bot_username: str, start: str) -> str:
    """The t.me link that opens the bot with /start <start>."""
    return f"{DEEP_LINK_BASE}{bot_username}?start={start}"


def _voice_forbidden(error: BadRequest) -> bool:
    """Telegram's refusal of voice notes (python-telegram-bot changes the message's case)."""
    return VOICE_FORBIDDEN.lower() in error.message.lower()


def link_html(url: str) -> str:
    """A clickable link showing its own address, as parse_mode HTML."""
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>'


class TurnRenderer:
    """Sends what Rasa answered to one Telegram chat.

    A quiet chat (a child who turned the music off) gets every message without a notification
    sound and no celebrations; whether it is quiet is asked once per turn.
    """

    def __init__(
        self,
        *,
        bot: Bot,
        state: AsyncChannelState,
        texts: ChannelTexts,
        bot_id: str,
        quiet: AsyncQuietChats,
    ) -> None:
        self._bot = bot
        self._state = state
        self._texts = texts
        self._bot_id = bot_id
        self._quiet = quiet

    async def render(self, chat_id: int, turn: Turn) -> None:
        """Send a turn's messages in order, or an apology when it was not delivered."""
        silent = await self._quiet.quiet(chat_key(chat_id))
        if not turn.delivered:
            unavailable = self._texts.get("utter_channel_unavailable")
            await self.send_text(chat_id, unavailable, silent=silent)
            return
        for item in mark_sensitive(turn.messages):
            await self._render_one(chat_id, item, silent=silent)

    async def _render_one(self, chat_id: int, item: Outgoing, *, silent: bool) -> None:
        message = item.message
        if isinstance(message, TextMessage):
            await self.send_text(
                chat_id, message.text, buttons=message, protect=item.protect, silent=silent
            )
        elif isinstance(message, ImageKeyboard):
            await self.send_image_keyboard(chat_id, message, silent=silent)
        elif isinstance(message, QrCode):
            await send_token_qr(
                self._bot,
                self._state,
                self._texts,
                chat_key=chat_key(chat_id),
                chat_id=chat_id,
                qr=message,
                silent=silent,
            )
        elif isinstance(message, ActivationCode):
            await self.send_activation_code(chat_id, message, silent=silent)
        elif isinstance(message, DeepLink):
            await self.send_deep_link(chat_id, message, silent=silent)
        elif isinstance(message, Picture):
            await self.send_picture(chat_id, message, silent=silent)
        elif isinstance(message, GoalProgress):
            await self.send_goal_progress(chat_id, message, silent=silent)
        elif isinstance(message, Celebration):
            if silent:
                logger.debug("celebration left out: the chat is quiet")
            else:
                await self.send_celebration(chat_id, message)
        elif isinstance(message, ImageMessage):
            await self._bot.send_photo(
                chat_id, message.url, protect_content=item.protect, disable_notification=silent
            )
        elif isinstance(message, (SecureInputRequest, ExpectedInput, SensitiveMarker)):
            pass  # Instructions for the channel, not something to show.
        elif isinstance(message, UnknownCustom):
            logger.warning("skipped a custom payload this channel does not render")

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        buttons: TextMessage | None = None,
        protect: bool = False,
        silent: bool = False,
    ) -> Message | None:
        """Send escaped text, with its buttons as an inline keyboard under the last chunk."""
        options = buttons.buttons if buttons is not None else ()
        chunks = split_text(text) if text else []
        if not chunks and not options:
            return None
        markup: InlineKeyboardMarkup | None = None
        keyboard_id: str | None = None
        if options:
            keyboard_id, callback_ids = await self._state.register_keyboard(
                chat_key(chat_id),
                [ButtonSpec(ACTION_SEND, button.payload, button.title) for button in options],
            )
            markup = choice_keyboard([button.title for button in options], callback_ids)
            if not chunks:
                chunks = ["👇"]
        sent: Message | None = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent = await self._bot.send_message(
                chat_id,
                html_text(chunk),
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                protect_content=protect,
                disable_notification=silent,
            )
        if keyboard_id is not None and sent is not None:
            await self._state.attach_message(keyboard_id, sent.message_id)
        return sent

    async def send_image_keyboard(
        self, chat_id: int, keyboard: ImageKeyboard, *, silent: bool = False
    ) -> None:
        """Send the numbered grid picture with numbered buttons (and Borrar/Listo if multi).

        A keyboard whose picks are a secret always collects them (even one) until "Listo", and
        neither its stored button titles nor anything shown later names a picked picture.
        """
        numbers = [str(number) for number in range(1, len(keyboard.options) + 1)]
        multi = keyboard.choose > 1 or keyboard.secret is not None
        if multi:
            specs = [
                ButtonSpec(
                    ACTION_PICK, option.id, n if keyboard.secret else f"{n} · {option.label}"
                )
                for n, option in zip(numbers, keyboard.options, strict=True)
            ]
            extra_titles = [
                self._texts.get("utter_channel_undo_button"),
                self._texts.get("utter_channel_done_button"),
            ]
            specs += [
                ButtonSpec(ACTION_UNDO, "", extra_titles[0]),
                ButtonSpec(ACTION_DONE, keyboard.secret or "", extra_titles[1]),
            ]
            caption = self._texts.get(
                "utter_channel_pick_many",
                choose=keyboard.choose,
                progress=progress(0, keyboard.choose),
            )
        else:
            specs = [
                ButtonSpec(ACTION_SEND, keyboard.payload_for(option.id), f"{n} · {option.label}")
                for n, option in zip(numbers, keyboard.options, strict=True)
            ]
            extra_titles = []
            caption = self._texts.get("utter_channel_pick_one")
        keyboard_id, callback_ids = await self._state.register_keyboard(
            chat_key(chat_id),
            specs,
            choose=keyboard.choose,
            payload_template=keyboard.payload_template if multi else None,
        )
        count = len(keyboard.options)
        markup = numbered_keyboard(
            numbers,
            callback_ids[:count],
            per_row=button_columns(count),
            extra_titles=extra_titles,
            extra_callback_ids=callback_ids[count:],
        )
        sent = await self.send_cached_picture(
            chat_id,
            cache_key=keyboard_cache_key(keyboard.kind, keyboard.options),
            draw=lambda: render_keyboard(keyboard.options, kind=keyboard.kind).png,
            caption=caption,
            markup=markup,
            # A secret keyboard is shuffled every time: a cached upload would never be reused.
            cache=keyboard.secret is None,
            silent=silent,
        )
        await self._state.attach_message(keyboard_id, sent.message_id)

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

    async def send_activation_code(
        self, chat_id: int, code: ActivationCode, *, silent: bool = False
    ) -> None:
        """Show a Cuenta Mini activation code, protected, and delete it when the code expires."""
        if code.code is None:
            unavailable = self._texts.get(
                "utter_channel_activation_code_unavailable", child=code.child
            )
            await self.send_text(chat_id, unavailable, silent=silent)
            return
        text = self._texts.get_html(
            "utter_channel_activation_code",
            child=html_text(code.child),
            code=f"<b>{html_text(code.code)}</b>",
            minutes=str(code.minutes),
        )
        sent = await self._bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            protect_content=True,
            disable_notification=silent,
        )
        try:
            await self._state.schedule_deletion(
                chat_key(chat_id), sent.message_id, after=timedelta(minutes=code.minutes)
            )
        except Exception as exc:
            # The code still expires in the bank; only the message stays in the chat.
            logger.error("could not schedule the code's deletion (%s)", type(exc).__name__)

    async def send_deep_link(self, chat_id: int, link: DeepLink, *, silent: bool = False) -> None:
        """Show the t.me link that opens this bot at a journey (for another Telegram account)."""
        url = deep_link(await self._bot_username(), link.start)
        text = self._texts.get_html("utter_channel_deep_link", link=link_html(url))
        await self._bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, disable_notification=silent
        )

    async def _bot_username(self) -> str:
        """The bot's @username without the @, as getMe answered it."""
        username: str | None
        try:
            username = self._bot.username
        except RuntimeError:  # the bot was not initialised: ask the Bot API
            username = (await self._bot.get_me()).username
        if not username:
            raise TelegramError("the bot has no username")
        return username

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
