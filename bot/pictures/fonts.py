"""Bold fonts for the pictures, and text drawing that keeps Spanish accents on any font.

A system font with Spanish glyphs (DejaVu, Liberation, Noto...) is preferred. Without one, Pillow's
built-in font is used; it has no accented letters, so their accents are drawn by hand on the
base letter ("Montaña" never turns into "Monta□a").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from PIL import Image, ImageDraw, ImageFont

# Looked up by file name in the system font folders by Pillow; first one with Spanish glyphs wins.
BOLD_FONT_FILES: Final = (
    "DejaVuSans-Bold.ttf",
    "LiberationSans-Bold.ttf",
    "NotoSans-Bold.ttf",
    "FreeSansBold.ttf",
    "Arial Bold.ttf",
    "arialbd.ttf",
)
CONDENSED_FONT_FILES: Final = ("DejaVuSansCondensed-Bold.ttf", "LiberationSansNarrow-Bold.ttf")
SPANISH_SAMPLE: Final = "áéíóúüñÁÉÍÓÚÜÑº"

_ACUTE, _GRAVE, _TILDE, _DIAERESIS = "\u0301", "\u0300", "\u0303", "\u0308"
_DRAWN_MARKS: Final = frozenset({_ACUTE, _GRAVE, _TILDE, _DIAERESIS})
# Every font this module loads (the candidates and Pillow's own) draws printable ASCII.
_ASCII: Final = frozenset(chr(code) for code in range(0x20, 0x7F))
# A code point no font covers: its mask is the font's "missing glyph" box.
_MISSING: Final = "\U0010fffd"


def has_glyphs(font: ImageFont.FreeTypeFont, text: str) -> bool:
    """Whether the font draws every character of text (not its missing-glyph box)."""
    return all(
        char in _ASCII
        or char.isspace()
        or (char in SPANISH_SAMPLE and _covers_spanish(_path_of(font)))
        or _has_glyph(font, char)
        for char in text
    )


def _path_of(font: ImageFont.FreeTypeFont) -> str | None:
    return font.path if isinstance(font.path, str) else None


@lru_cache(maxsize=16)
def _covers_spanish(path: str | None) -> bool:
    """Whether the font file has Spanish letters, checked once per file (not per size)."""
    if path is None:
        return False
    font = ImageFont.truetype(path, 24)
    return all(_has_glyph(font, char) for char in SPANISH_SAMPLE)


@lru_cache(maxsize=4096)
def _has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    return _glyph_pixels(font, char) != _glyph_pixels(font, _MISSING)


@lru_cache(maxsize=4096)
def _glyph_pixels(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    size = round(font.size * 1.5)
    image = Image.new("L", (size, size), 0)
    ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
    return image.tobytes()


def _load_first(files: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont | None:
    for name in files:
        try:
            font = ImageFont.truetype(name, size)
        except OSError:
            continue
        if _covers_spanish(_path_of(font)):
            return font
    return None


@lru_cache(maxsize=64)
def load_font(size: int, *, condensed: bool = False) -> ImageFont.FreeTypeFont:
    """A bold sans-serif font of this pixel size (Pillow's own when no system font fits)."""
    files = CONDENSED_FONT_FILES + BOLD_FONT_FILES if condensed else BOLD_FONT_FILES
    font = _load_first(_resolved_paths(files), size)
    if font is not None:
        return font
    default = ImageFont.load_default(size=size)
    if not isinstance(default, ImageFont.FreeTypeFont):
        raise RuntimeError("Pillow was built without FreeType; pictures need scalable fonts")
    return default


@lru_cache(maxsize=4)
def _resolved_paths(files: tuple[str, ...]) -> tuple[str, ...]:
    """Full paths of the font files found (searching font folders once, not at every size)."""
    paths = []
    for name in files:
        try:
            font = ImageFont.truetype(name, 12)
        except OSError:
            continue
        if isinstance(font.path, str):
            paths.append(font.path)
    return tuple(paths)


@dataclass(frozen=True, slots=True)
class _Mark:
    index: int  # position of the base letter in the drawn text
    mark: str


def _split_marks(font: ImageFont.FreeTypeFont, text: str) -> tuple[str, tuple[_Mark, ...]]:
    """Text the font can draw, plus the accents to add by hand on top of its letters."""
    if has_glyphs(font, text):
        return text, ()
    drawn: list[str] = []
    marks: list[_Mark] = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base, accents = parts[0], parts[1:]
        if not has_glyphs(font, char) and accents and set(accents) <= _DRAWN_MARKS:
            marks.extend(_Mark(len(drawn), accent) for accent in accents)
            drawn.append(base)
        elif char in "ºª" and not has_glyphs(font, char):
            drawn.append("o" if char == "º" else "a")
        else:
            drawn.append(char)
    return "".join(drawn), tuple(marks)


def text_width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """Width in pixels of text as draw_text draws it."""
    drawn, _ = _split_marks(font, text)
    return font.getlength(drawn)


def line_height(font: ImageFont.FreeTypeFont) -> int:
    """Distance between two lines of this font, with room for accents on capitals."""
    ascent, descent = font.getmetrics()
    return ascent + descent


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: str,
) -> None:
    """Draw text with its top-left at xy (the line's ascent), drawing missing accents by hand."""
    drawn, marks = _split_marks(font, text)
    draw.text(xy, drawn, font=font, fill=fill)
    size = font.size
    stroke = max(1, round(size / 11))
    for mark in marks:
        left = xy[0] + font.getlength(drawn[: mark.index])
        x0, top, x1, _ = font.getbbox(drawn[mark.index])
        cx = left + (x0 + x1) / 2
        # Accents sit just above the letter (above the dot of an i).
        bottom = xy[1] + top - size * 0.06
        height = size * 0.16
        if mark.mark in (_ACUTE, _GRAVE):
            lean = size * 0.09 if mark.mark == _ACUTE else -size * 0.09
            draw.line(
                [(cx - lean, bottom), (cx + lean, bottom - height)], fill=fill, width=stroke + 1
            )
        elif mark.mark == _TILDE:
            w = size * 0.2
            points = [
                (cx - w, bottom - height * 0.2),
                (cx - w / 2, bottom - height * 0.8),
                (cx + w / 2, bottom - height * 0.2),
                (cx + w, bottom - height * 0.8),
            ]
            draw.line(points, fill=fill, width=stroke, joint="curve")
        else:
            dot = size * 0.06
            for dx in (-size * 0.12, size * 0.12):
                draw.ellipse(
                    (
                        cx + dx - dot,
                        bottom - height / 2 - dot,
                        cx + dx + dot,
                        bottom - height / 2 + dot,
                    ),
                    fill=fill,
                )
