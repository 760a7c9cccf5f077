"""The celebration animation: confetti raining around a big star that pops in (an animated GIF).

Drawn in code with Pillow, the same bytes in every process (a fixed seed), short enough that
Telegram shows it like a sticker: under 2 seconds and well under 200 KB.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from PIL import Image, ImageDraw

from bot.pictures.goal_card import star_points

ANIMATION_WIDTH: Final = 360
ANIMATION_HEIGHT: Final = 240
FRAME_COUNT: Final = 18
FRAME_MS: Final = 90  # 18 frames x 90 ms = 1.62 s
MAX_ANIMATION_BYTES: Final = 200 * 1024
_SUPERSAMPLE: Final = 2
_PIECES: Final = 46
_SPARKLES: Final = 9
_SEED: Final = 2024
_BACKGROUND: Final = "#FFF4DE"
_CONFETTI: Final = ("#E53935", "#1E88E5", "#43A047", "#8E24AA", "#F4511E", "#00ACC1", "#FDD835")
_STAR: Final = "#FFC107"
_STAR_LIGHT: Final = "#FFE082"
_STAR_EDGE: Final = "#E65100"
_INK: Final = "#2B2D42"
_PALETTE_COLOURS: Final = 64


@dataclass(frozen=True, slots=True)
class _Piece:
    x: float
    y: float
    fall: float  # pixels per frame
    sway: float
    phase: float
    spin: float
    size: float
    colour: str
    round: bool


def _pieces() -> list[_Piece]:
    # Decoration, not security: a fixed seed keeps the bytes (and the upload cache) stable.
    rng = random.Random(_SEED)  # noqa: S311
    return [
        _Piece(
            x=rng.uniform(0, ANIMATION_WIDTH),
            y=rng.uniform(-ANIMATION_HEIGHT, ANIMATION_HEIGHT),
            fall=rng.uniform(7, 14),
            sway=rng.uniform(4, 12),
            phase=rng.uniform(0, 2 * math.pi),
            spin=rng.uniform(-40, 40),
            size=rng.uniform(5, 9),
            colour=rng.choice(_CONFETTI),
            round=rng.random() < 0.3,
        )
        for _ in range(_PIECES)
    ]


def _star_scale(frame: int) -> float:
    """The big star pops in, overshoots, then breathes gently."""
    pop = (0.25, 0.6, 0.95, 1.15, 1.05)
    if frame < len(pop):
        return pop[frame]
    return 1.0 + 0.04 * math.sin((frame - len(pop)) * 2 * math.pi / 6)


def _draw_frame(frame: int, pieces: list[_Piece]) -> Image.Image:
    s = _SUPERSAMPLE
    image = Image.new("RGB", (ANIMATION_WIDTH * s, ANIMATION_HEIGHT * s), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    span = ANIMATION_HEIGHT + 40
    for piece in pieces:
        y = (piece.y + piece.fall * frame + 20) % span - 20
        x = piece.x + piece.sway * math.sin(piece.phase + frame * 0.7)
        if piece.round:
            r = piece.size * 0.6 * s
            draw.ellipse((x * s - r, y * s - r, x * s + r, y * s + r), fill=piece.colour)
            continue
        angle = math.radians(piece.spin * frame + piece.phase * 57)
        # A strip of paper turning in the air: its width breathes as it spins.
        half_w = piece.size * 0.5 * abs(math.cos(piece.phase + frame * 0.9)) + 1
        half_h = piece.size * 0.9
        corners = [(-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)]
        cos, sin = math.cos(angle), math.sin(angle)
        draw.polygon(
            [((x + cx * cos - cy * sin) * s, (y + cx * sin + cy * cos) * s) for cx, cy in corners],
            fill=piece.colour,
        )
    _draw_sparkles(draw, frame)
    _draw_big_star(draw, frame)
    return image.reduce(s)


def _draw_sparkles(draw: ImageDraw.ImageDraw, frame: int) -> None:
    """Small stars around the big one, twinkling in turn."""
    s = _SUPERSAMPLE
    cx, cy = ANIMATION_WIDTH / 2, ANIMATION_HEIGHT / 2
    for i in range(_SPARKLES):
        angle = 2 * math.pi * i / _SPARKLES + 0.3
        distance = 96 + 14 * (i % 2)
        x, y = cx + distance * math.cos(angle) * 1.25, cy + distance * math.sin(angle) * 0.82
        glow = 0.5 + 0.5 * math.sin(frame * 1.1 + i * 1.7)
        outer = (5 + 7 * glow) * s
        draw.polygon(star_points((x * s, y * s), outer, outer * 0.42), fill=_STAR)


def _draw_big_star(draw: ImageDraw.ImageDraw, frame: int) -> None:
    """The star in the middle, with a happy face."""
    s = _SUPERSAMPLE
    scale = _star_scale(frame)
    cx, cy = ANIMATION_WIDTH / 2 * s, (ANIMATION_HEIGHT / 2 + 6) * s
    outer, inner = 78 * scale * s, 34 * scale * s
    draw.polygon(star_points((cx, cy), outer, inner), fill=_STAR, outline=_STAR_EDGE, width=4 * s)
    draw.polygon(star_points((cx, cy), outer * 0.64, inner * 0.64), fill=_STAR_LIGHT)
    eye_dx, eye_y, eye_r = 14 * scale * s, cy - 4 * scale * s, 4.5 * scale * s
    for x in (cx - eye_dx, cx + eye_dx):
        draw.ellipse((x - eye_r, eye_y - eye_r, x + eye_r, eye_y + eye_r), fill=_INK)
    mouth = 12 * scale * s
    draw.arc(
        (cx - mouth, cy - mouth * 0.4, cx + mouth, cy + mouth * 1.1),
        20,
        160,
        fill=_INK,
        width=max(1, round(3 * scale * s)),
    )


@lru_cache(maxsize=1)
def celebration_animation() -> bytes:
    """The animated GIF (drawn once per process): looping, 18 frames, 1.62 s."""
    pieces = _pieces()
    frames = [_draw_frame(frame, pieces) for frame in range(FRAME_COUNT)]
    # One shared palette: the frames differ only where confetti moves, so they compress well.
    palette = frames[FRAME_COUNT // 2].quantize(
        colors=_PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT
    )
    paletted = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    buffer = io.BytesIO()
    paletted[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=paletted[1:],
        duration=FRAME_MS,
        loop=0,
        optimize=True,
        disposal=1,
    )
    return buffer.getvalue()
