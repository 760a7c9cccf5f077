"""Pictures drawn by the channel: image keyboards, single pictures, icons and QR codes (Pillow)."""

from bot.pictures.cache_key import RENDERER_VERSION, keyboard_cache_key
from bot.pictures.card import picture_cache_key, render_picture
from bot.pictures.grid import MAX_OPTIONS, Cell, KeyboardPicture, render_keyboard
from bot.pictures.icons import KNOWN_ICON_IDS, draw_icon
from bot.pictures.qr import render_qr

__all__ = [
    "KNOWN_ICON_IDS",
    "MAX_OPTIONS",
    "RENDERER_VERSION",
    "Cell",
    "KeyboardPicture",
    "draw_icon",
    "keyboard_cache_key",
    "picture_cache_key",
    "render_keyboard",
    "render_picture",
    "render_qr",
]
