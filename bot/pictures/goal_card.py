"""A Cuenta Mini savings goal as a card: its picture, its name, a progress bar and the amounts.

The few words drawn on the card ("de", "¡Meta cumplida!") are part of the drawing, like the
labels of a keyboard; the messages around it come from domain/ and channel/texts.yml.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from bot.money import format_dollars
from bot.pictures.cache_key import CACHE_KEY_LENGTH, RENDERER_VERSION
from bot.pictures.fonts import draw_text, has_glyphs, load_font, text_width
from bot.pictures.grid import KIDS_THEME, encode_png
from bot.pictures.icons import draw_icon
from bot.rasa_messages import GoalProgress

GOAL_CARD_WIDTH: Final = 640
GOAL_CARD_HEIGHT: Final = 320
REACHED_LABEL: Final = "¡Meta cumplida!"
AMOUNTS_TEMPLATE: Final = "{saved} de {target}"
ELLIPSIS: Final = "…"
# Drawn names are cut to this many characters before measuring (a payload may be long).
MAX_NAME_CHARS: Final = 80

_MARGIN: Final = 16
_RADIUS: Final = 32
_ICON_SIZE: Final = 220
_ICON_LEFT: Final = 40
TEXT_LEFT: Final = _ICON_LEFT + _ICON_SIZE + 28
_TEXT_RIGHT: Final = GOAL_CARD_WIDTH - 40
_NAME_SIZES: Final = (36, 32, 28)
_BAR_HEIGHT: Final = 40
_BADGE_HEIGHT: Final = 52
_BADGE_SIZES: Final = (28, 26, 24, 22, 20)
# Tops of the name, the amounts, the bar and the badge; without a badge the rest moves down.
_NAME_TOP: Final = 44
_AMOUNTS_TOP: Final = 98
_BAR_TOP: Final = 150
_BADGE_TOP: Final = 226
_NO_BADGE_SHIFT: Final = 36
_SUPERSAMPLE: Final = 4

BAR_TRACK: Final = "#F3E3C3"
BAR_FILL: Final = "#43A047"
BAR_FILL_REACHED: Final = "#FFB300"
_MUTED: Final = "#6B5E4B"
_BADGE: Final = "#E91E63"
_STAR: Final = "#FFD54F"
_STAR_EDGE: Final = "#F57F17"


def truncate_to_width(font: ImageFont.FreeTypeFont, text: str, max_width: float) -> str:
    """Text as it fits in max_width pixels: whole, or cut with an ellipsis."""
    text = text[:MAX_NAME_CHARS]
    if text_width(font, text) <= max_width and len(text) < MAX_NAME_CHARS:
        return text
    ellipsis = ELLIPSIS if has_glyphs(font, ELLIPSIS) else "..."
    while text and text_width(font, text + ellipsis) > max_width:
        text = text[:-1]
    return text.rstrip() + ellipsis


def amounts_text(goal: GoalProgress) -> str:
    """ "$12,50 de $80,00": what is saved of the target, the Ecuadorian way."""
    return AMOUNTS_TEMPLATE.format(
        saved=format_dollars(goal.saved), target=format_dollars(goal.target)
    )


def render_goal_progress(goal: GoalProgress) -> bytes:
    """PNG card (640x320) of a savings goal; the same goal always gives the same bytes."""
    theme = KIDS_THEME
    image = Image.new("RGB", (GOAL_CARD_WIDTH, GOAL_CARD_HEIGHT), theme.background)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (_MARGIN, _MARGIN, GOAL_CARD_WIDTH - _MARGIN - 1, GOAL_CARD_HEIGHT - _MARGIN - 1),
        radius=_RADIUS,
        fill=theme.card,
        outline=theme.card_border,
        width=3,
    )
    icon = draw_icon(goal.picture, _ICON_SIZE)
    image.paste(icon, (_ICON_LEFT, (GOAL_CARD_HEIGHT - _ICON_SIZE) // 2), icon)
    width = _TEXT_RIGHT - TEXT_LEFT
    shift = 0 if goal.reached else _NO_BADGE_SHIFT
    name_font = _fitting_font(goal.name, width, _NAME_SIZES)
    name = truncate_to_width(name_font, goal.name, width)
    draw_text(draw, (TEXT_LEFT, _NAME_TOP + shift), name, name_font, theme.label)
    amounts_font = load_font(28)
    amounts = truncate_to_width(amounts_font, amounts_text(goal), width)
    draw_text(draw, (TEXT_LEFT, _AMOUNTS_TOP + shift), amounts, amounts_font, _MUTED)
    _draw_bar(image, goal, _BAR_TOP + shift)
    if goal.reached:
        _draw_badge(image, draw, _BADGE_TOP)
    return encode_png(image)


def _fitting_font(text: str, max_width: float, sizes: tuple[int, ...]) -> ImageFont.FreeTypeFont:
    """The largest of sizes at which text fits in max_width (the smallest when none does)."""
    for size in sizes:
        font = load_font(size)
        if text_width(font, text[:MAX_NAME_CHARS]) <= max_width:
            return font
    return load_font(sizes[-1])


def _draw_bar(image: Image.Image, goal: GoalProgress, top: int) -> None:
    """The progress bar (a dot at least once anything is saved) and the percent beside it."""
    percent_font = load_font(30)
    label = f"{goal.percent} %"
    label_width = text_width(percent_font, "100 %")
    bar_right = _TEXT_RIGHT - label_width - 14
    bar_width = bar_right - TEXT_LEFT
    layer = _smooth_layer(round(bar_width), _BAR_HEIGHT)
    scale = _SUPERSAMPLE
    layer_draw = ImageDraw.Draw(layer)
    full = (0, 0, layer.width - 1, layer.height - 1)
    layer_draw.rounded_rectangle(full, radius=layer.height // 2, fill=BAR_TRACK)
    filled = math.floor(bar_width * goal.percent / 100)
    if goal.saved > 0:
        filled = max(filled, _BAR_HEIGHT)
    if filled > 0:
        fill = BAR_FILL_REACHED if goal.reached else BAR_FILL
        box = (0, 0, filled * scale - 1, layer.height - 1)
        layer_draw.rounded_rectangle(box, radius=layer.height // 2, fill=fill)
    small = layer.resize((round(bar_width), _BAR_HEIGHT), Image.Resampling.LANCZOS)
    image.paste(small, (TEXT_LEFT, top), small)
    draw = ImageDraw.Draw(image)
    _, ink_top, _, ink_bottom = percent_font.getbbox("0")
    y = top + (_BAR_HEIGHT - (ink_bottom - ink_top)) / 2 - ink_top
    x = _TEXT_RIGHT - text_width(percent_font, label)
    draw_text(draw, (x, y), label, percent_font, KIDS_THEME.label)


def _draw_badge(image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
    """A pink pill with a star and "¡Meta cumplida!" (fonts cannot draw the 🎉 emoji)."""
    star = _BADGE_HEIGHT - 8
    room = _TEXT_RIGHT - TEXT_LEFT - star - 12 - 24
    font = _fitting_font(REACHED_LABEL, room, _BADGE_SIZES)
    width = round(star + 12 + text_width(font, REACHED_LABEL) + 24)
    layer = _smooth_layer(width, _BADGE_HEIGHT)
    layer_draw = ImageDraw.Draw(layer)
    scale = _SUPERSAMPLE
    layer_draw.rounded_rectangle(
        (0, 0, layer.width - 1, layer.height - 1), radius=layer.height // 2, fill=_BADGE
    )
    center = (4 + star / 2) * scale, (_BADGE_HEIGHT / 2) * scale
    layer_draw.polygon(
        star_points(center, star / 2 * scale, star / 4.6 * scale),
        fill=_STAR,
        outline=_STAR_EDGE,
        width=2 * scale,
    )
    small = layer.resize((width, _BADGE_HEIGHT), Image.Resampling.LANCZOS)
    image.paste(small, (TEXT_LEFT, top), small)
    _, ink_top, _, ink_bottom = font.getbbox("M")
    y = top + (_BADGE_HEIGHT - (ink_bottom - ink_top)) / 2 - ink_top
    draw_text(draw, (TEXT_LEFT + star + 12, y), REACHED_LABEL, font, "#FFFFFF")


def _smooth_layer(width: int, height: int) -> Image.Image:
    """A transparent supersampled layer: shapes drawn on it get smooth edges once reduced."""
    return Image.new("RGBA", (width * _SUPERSAMPLE, height * _SUPERSAMPLE), (0, 0, 0, 0))


def star_points(
    center: tuple[float, float], outer: float, inner: float, tips: int = 5
) -> list[tuple[float, float]]:
    """The corners of a star with its first tip up."""
    cx, cy = center
    points = []
    for i in range(tips * 2):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 180 / tips)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def goal_progress_cache_key(goal: GoalProgress) -> str:
    """Hex digest of everything the card shows, under which its upload is cached."""
    figures = [str(goal.saved), str(goal.target)]
    canonical = json.dumps(
        ["goal_progress", RENDERER_VERSION, goal.picture, goal.name, *figures],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:CACHE_KEY_LENGTH]
