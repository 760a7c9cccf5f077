"""The celebration jingle: a few bright notes synthesised here and encoded as MP3 (lameenc).

A rising arpeggio and a final chord, each note a sine softened with a little square wave for a
toy-like sound, shaped by an envelope (quick attack, exponential fade) so nothing clicks.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import lameenc  # type: ignore[import-not-found]

SAMPLE_RATE: Final = 44100
BIT_RATE_KBPS: Final = 64
PEAK: Final = 0.8  # of full scale: loud enough, with headroom for the MP3 encoder
_ATTACK_SECONDS: Final = 0.008
_SQUARE_SHARE: Final = 0.22
_SQUARE_SOFTNESS: Final = 6.0  # tanh(k·sin) is a square with rounded edges (fewer harsh partials)


@dataclass(frozen=True, slots=True)
class Note:
    """A tone: when it starts, how long it rings, its frequency and its loudness (0..1)."""

    start: float
    seconds: float
    hertz: float
    volume: float = 1.0


def _hertz(midi: int) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


# G4 C5 E5 G5 up, then a C major chord crowned by C6: "ta-da!".
CELEBRATION_NOTES: Final[tuple[Note, ...]] = (
    Note(0.00, 0.16, _hertz(67), 0.8),
    Note(0.12, 0.16, _hertz(72), 0.8),
    Note(0.24, 0.16, _hertz(76), 0.8),
    Note(0.36, 0.20, _hertz(79), 0.9),
    Note(0.52, 0.98, _hertz(84), 1.0),
    Note(0.52, 0.98, _hertz(76), 0.55),
    Note(0.52, 0.98, _hertz(79), 0.55),
)


@dataclass(frozen=True, slots=True)
class Jingle:
    """An encoded sound, how many PCM samples it was made from, and their rate."""

    mp3: bytes = field(repr=False)
    samples: int
    sample_rate: int

    @property
    def seconds(self) -> float:
        """How long the sound lasts (before MP3 framing pads it slightly)."""
        return self.samples / self.sample_rate


def synthesize(notes: Sequence[Note], sample_rate: int = SAMPLE_RATE) -> array[int]:
    """Signed 16-bit mono samples of the notes mixed, normalised to PEAK."""
    total = max(round((note.start + note.seconds) * sample_rate) for note in notes)
    mix = [0.0] * total
    for note in notes:
        first, count = round(note.start * sample_rate), round(note.seconds * sample_rate)
        step = 2 * math.pi * note.hertz / sample_rate
        attack = _ATTACK_SECONDS * sample_rate
        # Fades to about 1 % by the note's end, then a short linear tail to exactly zero.
        fade = math.log(100) / count
        for i in range(count):
            envelope = min(1.0, i / attack) * math.exp(-fade * i) * min(1.0, (count - i) / attack)
            phase = step * i
            wave = (1 - _SQUARE_SHARE) * math.sin(phase) + _SQUARE_SHARE * math.tanh(
                _SQUARE_SOFTNESS * math.sin(phase)
            )
            mix[first + i] += note.volume * envelope * wave
    loudest = max(abs(value) for value in mix) or 1.0
    scale = PEAK * 32767 / loudest
    return array("h", (round(value * scale) for value in mix))


def encode_mp3(samples: array[int], sample_rate: int = SAMPLE_RATE) -> bytes:
    """MP3 (mono, constant bit rate) of signed 16-bit samples."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE_KBPS)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(2)  # 2 = high quality, 7 = fast
    pcm = samples if sys.byteorder == "little" else array("h", samples)
    if sys.byteorder != "little":
        pcm.byteswap()  # lameenc reads little-endian PCM
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


@lru_cache(maxsize=1)
def celebration_jingle() -> Jingle:
    """The celebration sound (made once per process): about 1.5 s of MP3."""
    samples = synthesize(CELEBRATION_NOTES)
    return Jingle(mp3=encode_mp3(samples), samples=len(samples), sample_rate=SAMPLE_RATE)
