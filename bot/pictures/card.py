"""One picture on its own (an avatar, a password picture): the icon on a card, like a keyboard's."""

from __future__ import annotations

import hashlib
import json
from typing import Final

from PIL import Image, ImageDraw

from bot.pictures.cache_key import CACHE_KEY_LENGTH, RENDERER_VERSION
from bot.pictures.grid import encode_png, theme_for
from bot.pictures.icons import draw_icon

CARD_SIZE: Final = 480
_MARGIN: Final = 24
_PAD: Final = 28
_RADIUS: Final = 36
# Cuenta Mini pictures get the children's theme.
KIDS_PREFIXES: Final = ("avatar_", "pic_", "goal_")


def picture_kind(picture_id: str) -> str:
    """The theme kind of a picture: "mini" (children's colours) for avatars, pic_* and goal_*."""
    return "mini" if picture_id.startswith(KIDS_PREFIXES) else "picture"


def render_picture(picture_id: str) -> bytes:
    """PNG of the icon on a rounded card (an unknown id gets a coloured tile with its initial)."""
    theme = theme_for(picture_kind(picture_id))
    image = Image.new("RGB", (CARD_SIZE, CARD_SIZE), theme.background)
    draw = ImageDraw.Draw(image)
    far = CARD_SIZE - _MARGIN - 1
    draw.rounded_rectangle(
        (_MARGIN, _MARGIN, far, far),
        radius=_RADIUS,
        fill=theme.card,
        outline=theme.card_border,
        width=3,
    )
    inset = _MARGIN + _PAD
    icon = draw_icon(picture_id, CARD_SIZE - 2 * inset)
    image.paste(icon, (inset, inset), icon)
    return encode_png(image)


def picture_cache_key(picture_id: str) -> str:
    """Hex digest under which the channel caches the uploaded picture (stable across processes)."""
    canonical = json.dumps(["picture", RENDERER_VERSION, picture_id], separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:CACHE_KEY_LENGTH]
