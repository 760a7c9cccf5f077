"""Reading MP3 frame headers: enough to check a file is MP3 and to know how long it plays.

No decoding: each MPEG audio frame starts with a header that gives its length and how many
samples it holds, so walking the headers gives the duration exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

# Bit rates (kbit/s) of Layer III by bit-rate index: MPEG-1, then MPEG-2 and 2.5.
_BITRATES_V1: Final = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_BITRATES_V2: Final = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_SAMPLE_RATES_V1: Final = (44100, 48000, 32000)
_MPEG1, _MPEG2, _MPEG25 = 3, 2, 0
_LAYER_III: Final = 1
_ID3_HEADER: Final = 10


class NotMp3Error(ValueError):
    """The bytes are not a stream of MPEG-1/2 Layer III frames."""


@dataclass(frozen=True, slots=True)
class Mp3Frame:
    """One frame's header: where it starts, its length, sample rate, samples and bit rate."""

    offset: int
    length: int
    sample_rate: int
    samples: int
    bitrate_kbps: int


def _skip_id3(data: bytes) -> int:
    """Where the audio starts: after an ID3v2 tag, if there is one."""
    if data[:3] != b"ID3" or len(data) < _ID3_HEADER:
        return 0
    size = 0
    for byte in data[6:10]:  # a "syncsafe" integer: 7 bits per byte
        size = (size << 7) | (byte & 0x7F)
    return _ID3_HEADER + size


def _frame_at(data: bytes, offset: int) -> Mp3Frame | None:
    """The Layer III frame whose header is at offset, or None when there is none."""
    if offset + 4 > len(data):
        return None
    b1, b2 = data[offset + 1], data[offset + 2]
    if data[offset] != 0xFF or b1 & 0xE0 != 0xE0:
        return None
    version, layer = (b1 >> 3) & 0x3, (b1 >> 1) & 0x3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 0x3, (b2 >> 1) & 0x1
    if version == 1 or layer != _LAYER_III or bitrate_index in (0, 15) or rate_index == 3:
        return None
    if version == _MPEG1:
        bitrate, samples = _BITRATES_V1[bitrate_index], 1152
        sample_rate = _SAMPLE_RATES_V1[rate_index]
    else:
        bitrate, samples = _BITRATES_V2[bitrate_index], 576
        sample_rate = _SAMPLE_RATES_V1[rate_index] // (2 if version == _MPEG2 else 4)
    length = samples // 8 * bitrate * 1000 // sample_rate + padding
    return Mp3Frame(offset, length, sample_rate, samples, bitrate)


def mp3_frames(data: bytes) -> Iterator[Mp3Frame]:
    """The frames, in order; NotMp3Error unless the bytes are whole frames to their end."""
    offset = _skip_id3(data)
    found = False
    while offset < len(data):
        frame = _frame_at(data, offset)
        if frame is None:
            if found and len(data) - offset == 128 and data[offset : offset + 3] == b"TAG":
                return  # an ID3v1 tag at the end
            raise NotMp3Error(f"no MP3 frame at byte {offset}")
        if offset + frame.length > len(data):
            raise NotMp3Error(f"the frame at byte {offset} is cut short")
        found = True
        yield frame
        offset += frame.length
    if not found:
        raise NotMp3Error("no MP3 frame at all")


def mp3_duration(data: bytes) -> float:
    """How long the MP3 plays, in seconds (NotMp3Error when it is not MP3)."""
    frames = list(mp3_frames(data))
    return sum(frame.samples / frame.sample_rate for frame in frames)


def is_mp3(data: bytes) -> bool:
    """Whether the bytes are a whole MP3 stream."""
    try:
        mp3_duration(data)
    except NotMp3Error:
        return False
    return True
