"""Fitting a label under a picture: wrapped to two lines, shrunk, cut only as a last resort."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PIL import ImageFont

from bot.pictures.fonts import has_glyphs, load_font, text_width

MAX_LINES = 2
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class FittedLabel:
    """The lines of a label and the font that makes them fit."""

    font: ImageFont.FreeTypeFont
    lines: tuple[str, ...]


def _wrap(font: ImageFont.FreeTypeFont, words: Sequence[str], max_width: float) -> list[str]:
    """Greedy word wrap; a single word wider than max_width stays on its own line."""
    lines: list[str] = []
    for word in words:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(font, candidate) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _cut(font: ImageFont.FreeTypeFont, text: str, max_width: float) -> str:
    """The longest start of text that fits with an ellipsis after it."""
    ellipsis = ELLIPSIS if has_glyphs(font, ELLIPSIS) else "..."
    while text and text_width(font, text + ellipsis) > max_width:
        text = text[:-1].rstrip()
    return text + ellipsis


def fit_label(label: str, max_width: float, sizes: Sequence[int]) -> FittedLabel:
    """The largest of sizes (tried in order) at which label fits in MAX_LINES lines."""
    words = label.split()
    if not words:
        return FittedLabel(load_font(sizes[0], condensed=True), ())
    for size in sizes:
        font = load_font(size, condensed=True)
        lines = _wrap(font, words, max_width)
        if len(lines) <= MAX_LINES and all(text_width(font, line) <= max_width for line in lines):
            return FittedLabel(font, tuple(lines))
    font = load_font(sizes[-1], condensed=True)
    lines = _wrap(font, words, max_width)
    kept = [
        line if text_width(font, line) <= max_width else _cut(font, line, max_width)
        for line in lines
    ]
    if len(kept) > MAX_LINES:
        kept = [*kept[: MAX_LINES - 1], _cut(font, " ".join(kept[MAX_LINES - 1 :]), max_width)]
    return FittedLabel(font, tuple(kept))
