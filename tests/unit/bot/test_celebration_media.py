"""The celebration's media, made in code: a short looping GIF under 200 KB, and a jingle that is
real MP3 (frame sync, every frame parsed) lasting between 1 and 3 seconds."""

from __future__ import annotations

import io
from array import array

import pytest
from PIL import Image, ImageChops

from bot.pictures import content_cache_key
from bot.pictures.celebration import MAX_ANIMATION_BYTES, celebration_animation
from bot.sounds.jingle import (
    CELEBRATION_NOTES,
    PEAK,
    SAMPLE_RATE,
    Note,
    celebration_jingle,
    encode_mp3,
    synthesize,
)
from bot.sounds.mp3 import NotMp3Error, is_mp3, mp3_duration, mp3_frames


def test_the_animation_is_a_short_looping_gif_under_the_size_limit() -> None:
    gif = celebration_animation()
    assert gif.startswith(b"GIF89a")
    assert len(gif) <= MAX_ANIMATION_BYTES == 200 * 1024
    with Image.open(io.BytesIO(gif)) as image:
        assert image.is_animated and image.n_frames > 1
        assert image.info.get("loop") == 0  # loops, as Telegram shows animations
        total_ms = 0
        frames = []
        for index in range(image.n_frames):
            image.seek(index)
            total_ms += image.info["duration"]
            frames.append(image.convert("RGB"))
    assert 500 <= total_ms <= 2000
    # Something moves from frame to frame.
    assert ImageChops.difference(frames[0], frames[-1]).getbbox() is not None
    assert ImageChops.difference(frames[5], frames[6]).getbbox() is not None


def test_the_animation_is_the_same_in_every_process() -> None:
    first = celebration_animation()
    celebration_animation.cache_clear()
    assert celebration_animation() == first


def frame_sync(data: bytes, offset: int = 0) -> bool:
    return data[offset] == 0xFF and data[offset + 1] & 0xE0 == 0xE0


def test_the_jingle_is_mp3_between_one_and_three_seconds() -> None:
    jingle = celebration_jingle()
    assert frame_sync(jingle.mp3) or jingle.mp3.startswith(b"ID3")
    frames = list(mp3_frames(jingle.mp3))
    assert len(frames) > 30
    assert all(frame_sync(jingle.mp3, frame.offset) for frame in frames)
    assert {frame.sample_rate for frame in frames} == {SAMPLE_RATE}
    # The frames cover the file exactly: nothing but MP3 in it.
    assert frames[-1].offset + frames[-1].length == len(jingle.mp3)
    # Its length two ways: the PCM synthesised, and the MP3 frames (a little longer: padding).
    assert 1.0 <= jingle.seconds <= 3.0
    assert jingle.seconds <= mp3_duration(jingle.mp3) <= jingle.seconds + 0.15
    assert len(jingle.mp3) < 40_000  # a voice note the size of a small picture


def test_the_synthesis_is_normalised_and_ends_in_silence() -> None:
    samples = synthesize(CELEBRATION_NOTES)
    assert len(samples) == round(1.5 * SAMPLE_RATE)
    assert max(abs(value) for value in samples) == round(PEAK * 32767)
    assert samples[0] == 0 and abs(samples[-1]) < 200  # envelopes: no click at either end


def test_encoding_any_short_tone_gives_mp3_of_its_length() -> None:
    tone = synthesize([Note(0.0, 1.0, 440.0)], 22050)
    mp3 = encode_mp3(tone, 22050)
    assert is_mp3(mp3)
    assert {frame.sample_rate for frame in mp3_frames(mp3)} == {22050}  # MPEG-2 frames
    assert 1.0 <= mp3_duration(mp3) <= 1.15


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"OggS\x00\x02" + bytes(100),
        b"GIF89a" + bytes(100),
        bytes(400),
        b"\xff\xfb\x90\x64" + bytes(10),  # a header promising 417 bytes
    ],
)
def test_what_is_not_mp3_is_refused(data: bytes) -> None:
    assert not is_mp3(data)
    with pytest.raises(NotMp3Error):
        mp3_duration(data)


def test_an_id3_tag_before_the_frames_is_skipped() -> None:
    mp3 = encode_mp3(array("h", [0] * 4410))
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 20]) + bytes(20)
    assert mp3_duration(tag + mp3) == mp3_duration(mp3)


def test_uploads_are_cached_under_their_bytes_and_how_they_are_sent() -> None:
    mp3, gif = celebration_jingle().mp3, celebration_animation()
    keys = {
        content_cache_key("voice", mp3),
        content_cache_key("audio", mp3),  # a voice file_id cannot be sent as audio
        content_cache_key("animation", gif),
        content_cache_key("voice", mp3 + b"\x00"),
    }
    assert len(keys) == 4 and all(len(key) == 32 for key in keys)
    assert content_cache_key("voice", mp3) == content_cache_key("voice", bytes(mp3))
