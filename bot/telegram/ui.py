"""Pure helpers for what the bot shows: safe HTML text, keyboard layouts and pick progress."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

# Telegram's limits: a message text, a photo caption and callback data.
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
# Short button titles share a row; long ones get a row each, so nothing is cut on a phone.
SHORT_TITLE_LENGTH: Final = 14
FILLED, EMPTY = "●", "○"


def html_text(text: str) -> str:
    """Escape text for parse_mode HTML, so no user-provided name can inject formatting."""
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Split a long text at line breaks (or hard, as a last resort) into chunks under `limit`."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return chunks


def progress(picks: int, choose: int) -> str:
    """Pick progress such as ●●○○."""
    done = max(0, min(picks, choose))
    return FILLED * done + EMPTY * (choose - done)


def _button(title: str, callback_id: str) -> InlineKeyboardButton:
    if len(callback_id.encode()) > MAX_CALLBACK_DATA_BYTES:
        raise ValueError("callback data over Telegram's 64 bytes")
    return InlineKeyboardButton(title, callback_data=callback_id)


def choice_keyboard(titles: Sequence[str], callback_ids: Sequence[str]) -> InlineKeyboardMarkup:
    """Inline keyboard for text buttons: two per row when all are short, else one per row."""
    buttons = [_button(t, c) for t, c in zip(titles, callback_ids, strict=True)]
    short = all(len(title) <= SHORT_TITLE_LENGTH for title in titles)
    per_row = 2 if short and len(buttons) > 1 else 1
    return InlineKeyboardMarkup(_rows(buttons, per_row))


def numbered_keyboard(
    numbers: Sequence[str],
    callback_ids: Sequence[str],
    *,
    per_row: int,
    extra_titles: Sequence[str] = (),
    extra_callback_ids: Sequence[str] = (),
) -> InlineKeyboardMarkup:
    """Numbered buttons in rows of `per_row`, then an extra row (Borrar, Listo) if given."""
    rows = _rows([_button(n, c) for n, c in zip(numbers, callback_ids, strict=True)], per_row)
    extra = [_button(t, c) for t, c in zip(extra_titles, extra_callback_ids, strict=True)]
    if extra:
        rows.append(extra)
    return InlineKeyboardMarkup(rows)


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def with_choice(original_html: str, choice_line: str) -> str:
    """A message's HTML with the user's choice appended in bold (choice_line is plain text)."""
    return f"{original_html}\n\n<b>{html_text(choice_line)}</b>"
