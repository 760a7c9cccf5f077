"""The Bot API stand-in's animations, voice notes and audio files (sendAnimation, sendVoice,
sendAudio), driven by a real python-telegram-bot `Bot`, and `disable_notification` recorded for
every send so tests can tell a silent message from a loud one."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import telegram
from PIL import Image
from playground_support import CUSTOMER, PARENT, Playground, png, running_playground
from telegram.error import BadRequest

from bot.playground.client import bot_messages
from bot.sounds.jingle import celebration_jingle


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with running_playground() as running:
        yield running


@pytest.fixture
async def bot(playground: Playground) -> AsyncIterator[telegram.Bot]:
    async with playground.bot() as bot:
        yield bot


def seconds(duration: object) -> float:
    """A duration as python-telegram-bot gives it (int seconds now, timedelta later)."""
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    assert isinstance(duration, int)
    return float(duration)


def gif(frames: int = 3) -> bytes:
    images = [Image.new("RGB", (48, 32), colour) for colour in ("red", "green", "blue")[:frames]]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return buffer.getvalue()


async def test_an_animation_is_stored_shown_and_sent_again_by_file_id(
    bot: telegram.Bot, playground: Playground
) -> None:
    sent = await bot.send_animation(CUSTOMER, gif(), caption="<b>¡Bien!</b>", parse_mode="HTML")
    assert sent.animation is not None and sent.document is not None
    assert (sent.animation.width, sent.animation.height) == (48, 32)
    assert sent.animation.mime_type == "image/gif" and sent.caption == "¡Bien!"
    again = await bot.send_animation(PARENT, sent.animation.file_id)
    assert again.animation is not None and again.animation.file_id == sent.animation.file_id
    stats = await playground.client.stats()
    assert stats["methods"]["sendAnimation"] == 2 and stats["uploads"] == 1

    shown = bot_messages(await playground.client.chat(CUSTOMER))[-1]
    assert shown["animation"].startswith("/playground/files/") and shown["photo"] is None
    assert shown["caption"] == "¡Bien!" and shown["voice"] is None
    assert await playground.client.photo_bytes(shown["animation"]) == gif()
    file = await bot.get_file(sent.animation.file_id)
    assert file.file_path is not None and "animations/" in file.file_path
    summary = {chat["user_id"]: chat for chat in await playground.client.chats()}
    assert summary[CUSTOMER]["last_message"]["media"] == "animation"


async def test_a_voice_note_reads_its_duration_from_the_mp3(
    bot: telegram.Bot, playground: Playground
) -> None:
    mp3 = celebration_jingle().mp3
    sent = await bot.send_voice(CUSTOMER, mp3)
    assert sent.voice is not None and sent.voice.mime_type == "audio/mpeg"
    assert seconds(sent.voice.duration) == 2
    given = await bot.send_voice(CUSTOMER, mp3, duration=7)
    assert given.voice is not None and seconds(given.voice.duration) == 7
    shown = bot_messages(await playground.client.chat(CUSTOMER))[-2]
    assert shown["voice"] and shown["media_duration"] == 2 and shown["animation"] is None
    assert await playground.client.photo_bytes(shown["voice"]) == mp3


async def test_an_audio_file_keeps_its_name(bot: telegram.Bot, playground: Playground) -> None:
    sent = await bot.send_audio(CUSTOMER, celebration_jingle().mp3, filename="jingle.mp3")
    assert sent.audio is not None and sent.audio.file_name == "jingle.mp3"
    shown = bot_messages(await playground.client.chat(CUSTOMER))[-1]
    assert shown["audio"] and shown["voice"] is None


async def test_a_file_of_another_kind_or_unknown_is_refused_like_telegram(
    bot: telegram.Bot,
) -> None:
    photo = await bot.send_photo(CUSTOMER, png())
    voice = await bot.send_voice(CUSTOMER, celebration_jingle().mp3)
    assert voice.voice is not None
    # python-telegram-bot lowers the case of Telegram's "Photo", "VoiceNote"...
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type photo as animation"):
        await bot.send_animation(CUSTOMER, photo.photo[-1].file_id)
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type voicenote as photo"):
        await bot.send_photo(CUSTOMER, voice.voice.file_id)
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type voicenote as audio"):
        await bot.send_audio(CUSTOMER, voice.voice.file_id)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_voice(CUSTOMER, "AwACAgEAAxkBAAnot-one-of-ours")


async def test_a_send_without_its_file_is_refused(playground: Playground) -> None:
    response = await playground.raw("sendVoice", json={"chat_id": CUSTOMER})
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: there is no voice in the request"


async def test_the_caption_of_an_animation_can_be_edited(bot: telegram.Bot) -> None:
    sent = await bot.send_animation(CUSTOMER, gif(), caption="uno")
    edited = await bot.edit_message_caption(CUSTOMER, sent.message_id, caption="dos")
    assert isinstance(edited, telegram.Message) and edited.caption == "dos"
    with pytest.raises(BadRequest, match="no text in the message"):
        await bot.edit_message_text("tres", CUSTOMER, sent.message_id)


async def test_disable_notification_is_recorded_for_every_send(
    bot: telegram.Bot, playground: Playground
) -> None:
    mp3 = celebration_jingle().mp3
    for silent in (True, False):
        await bot.send_message(CUSTOMER, "hola", disable_notification=silent)
        await bot.send_photo(CUSTOMER, png(), disable_notification=silent)
        await bot.send_animation(CUSTOMER, gif(), disable_notification=silent)
        await bot.send_voice(CUSTOMER, mp3, disable_notification=silent)
        await bot.send_audio(CUSTOMER, mp3, disable_notification=silent)
    shown = bot_messages(await playground.client.chat(CUSTOMER))
    assert [m["disable_notification"] for m in shown] == [True] * 5 + [False] * 5
