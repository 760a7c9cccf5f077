"""Pictures drawn by the channel: image keyboards, single pictures, icons and QR codes (Pillow)."""

from bot.pictures.cache_key import RENDERER_VERSION, content_cache_key, keyboard_cache_key
from bot.pictures.card import picture_cache_key, render_picture
from bot.pictures.goal_card import goal_progress_cache_key, render_goal_progress
from bot.pictures.grid import MAX_OPTIONS, Cell, KeyboardPicture, render_keyboard
from bot.pictures.icons import KNOWN_ICON_IDS, draw_icon
from bot.pictures.qr import render_qr

__all__ = [
    "KNOWN_ICON_IDS",
    "MAX_OPTIONS",
    "RENDERER_VERSION",
    "Cell",
    "KeyboardPicture",
    "content_cache_key",
    "draw_icon",
    "goal_progress_cache_key",
    "keyboard_cache_key",
    "picture_cache_key",
    "render_goal_progress",
    "render_keyboard",
    "render_picture",
    "render_qr",
]
