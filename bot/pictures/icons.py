"""Flat, colourful icons drawn with Pillow shapes, one per picture id (nothing is downloaded)."""

from __future__ import annotations

import colorsys
import hashlib
from functools import lru_cache
from typing import Final

from PIL import Image, ImageDraw

from bot.pictures.avatar_icons import AVATAR_ICONS
from bot.pictures.canvas import TILE_RADIUS, UNITS, Canvas, IconSpec
from bot.pictures.fonts import draw_text, load_font, text_width
from bot.pictures.goal_icons import GOAL_ICONS
from bot.pictures.picture_icons import PICTURE_ICONS
from bot.pictures.security_icons import SECURITY_ICONS

MIN_ICON_SIZE: Final = 16
MAX_ICON_SIZE: Final = 1024

_ICONS: Final[dict[str, IconSpec]] = {
    **SECURITY_ICONS,
    **AVATAR_ICONS,
    **PICTURE_ICONS,
    **GOAL_ICONS,
}
KNOWN_ICON_IDS: Final[frozenset[str]] = frozenset(_ICONS)


def draw_icon(option_id: str, size: int) -> Image.Image:
    """A size x size RGBA icon for the id; an unknown id gets a coloured tile with its initial."""
    if not MIN_ICON_SIZE <= size <= MAX_ICON_SIZE:
        raise ValueError(f"icon size must be within {MIN_ICON_SIZE}..{MAX_ICON_SIZE}")
    return _cached_icon(option_id, size).copy()


# Icons of one grid size are ~0.2-0.5 MB each; 128 covers every known icon at the three grid
# sizes with room to spare and bounds memory.
@lru_cache(maxsize=128)
def _cached_icon(option_id: str, size: int) -> Image.Image:
    spec = _ICONS.get(option_id)
    if spec is None:
        return _fallback_tile(option_id, size)
    canvas = Canvas(size, spec.background)
    spec.paint(canvas)
    return canvas.finish()


def fallback_color(option_id: str) -> str:
    """A strong colour that depends only on the id (stable across processes, unlike hash())."""
    digest = hashlib.sha256(option_id.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.45, 0.65)
    return f"#{round(red * 255):02X}{round(green * 255):02X}{round(blue * 255):02X}"


def _fallback_tile(option_id: str, size: int) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = round(size * TILE_RADIUS / UNITS)
    draw.rounded_rectangle(
        (0, 0, size - 1, size - 1), radius=radius, fill=fallback_color(option_id)
    )
    initial = next((char for char in option_id if char.isalnum()), "?").upper()
    font = load_font(round(size * 0.55))
    _, top, _, bottom = font.getbbox(initial)
    x = (size - text_width(font, initial)) / 2
    y = (size - (bottom - top)) / 2 - top
    draw_text(draw, (x, y), initial, font, "#FFFFFF")
    return image
