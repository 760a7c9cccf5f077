"""An image keyboard as one PNG: a grid of numbered pictures with their labels underneath."""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from PIL import Image, ImageDraw

from bot.pictures.fonts import draw_text, has_glyphs, line_height, load_font, text_width
from bot.pictures.icons import draw_icon
from bot.pictures.labels import MAX_LINES, fit_label
from bot.rasa_messages import ImageOption

MAX_OPTIONS: Final = 30
GRID_WIDTH: Final = 1200
# Telegram refuses photos whose width + height exceeds 10000 or whose sides differ over 20 times.
TELEGRAM_MAX_SIDES_SUM: Final = 10_000
TELEGRAM_MAX_ASPECT_RATIO: Final = 20

_MARGIN: Final = 24
_GAP: Final = 18
_PAD: Final = 14
_LABEL_GAP: Final = 6
_CARD_RADIUS: Final = 22
_SELECTED_BORDER: Final = 9
_STAMP_SUPERSAMPLE: Final = 4
# Label sizes (px) tried in order per column count; even the smallest reads well on a phone.
_LABEL_SIZES: Final[dict[int, tuple[int, ...]]] = {
    3: (46, 42, 38, 34, 30),
    4: (40, 36, 32, 29),
    5: (34, 31, 28),
}


@dataclass(frozen=True, slots=True)
class Cell:
    """Where one option was drawn: its number, its id and its card (left, top, right, bottom)."""

    number: int
    option_id: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class KeyboardPicture:
    """A rendered keyboard: the PNG and where each numbered option sits in it."""

    png: bytes = field(repr=False)
    width: int
    height: int
    columns: int
    rows: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of a picture: background, cards, labels, number badges and selection."""

    background: str
    card: str
    selected_card: str
    card_border: str
    label: str
    badges: tuple[str, ...]  # number badge colours, used in turn
    highlight: str


BANK_THEME: Final = Theme(
    background="#E8EDF3",
    card="#FFFFFF",
    selected_card="#FFF1DC",
    card_border="#C9D3DF",
    label="#1B2536",
    badges=("#17325C",),
    highlight="#FF8F00",
)
KIDS_THEME: Final = Theme(
    background="#FFF4DE",
    card="#FFFFFF",
    selected_card="#FFE3EE",
    card_border="#F1D9AE",
    label="#2B2D42",
    badges=("#E53935", "#1E88E5", "#43A047", "#8E24AA", "#F4511E", "#00897B"),
    highlight="#FF4081",
)


def theme_for(kind: str) -> Theme:
    """Cuenta Mini keyboards (kind "mini…") get the colourful theme; the rest the bank's."""
    return KIDS_THEME if kind.startswith("mini") else BANK_THEME


def grid_columns(count: int) -> int:
    """Columns of a full grid for this many options: 3 up to 9, 4 up to 16, else 5."""
    if count <= 9:
        return 3
    return 4 if count <= 16 else 5


@dataclass(frozen=True, slots=True)
class _Layout:
    count: int
    columns: int
    rows: int
    cell_width: int
    cell_height: int
    icon_size: int
    badge_diameter: int
    label_sizes: tuple[int, ...]
    label_height: int

    @property
    def width(self) -> int:
        return 2 * _MARGIN + self.columns * self.cell_width + (self.columns - 1) * _GAP

    @property
    def height(self) -> int:
        return 2 * _MARGIN + self.rows * self.cell_height + (self.rows - 1) * _GAP

    def box(self, index: int) -> tuple[int, int, int, int]:
        """The card of the option at index; a short last row is centred."""
        row, column = divmod(index, self.columns)
        in_row = min(self.columns, self.count - row * self.columns)
        offset = (self.columns - in_row) * (self.cell_width + _GAP) // 2
        left = _MARGIN + offset + column * (self.cell_width + _GAP)
        top = _MARGIN + row * (self.cell_height + _GAP)
        return (left, top, left + self.cell_width, top + self.cell_height)


def _layout(count: int) -> _Layout:
    full_columns = grid_columns(count)
    cell_width = (GRID_WIDTH - 2 * _MARGIN - (full_columns - 1) * _GAP) // full_columns
    icon_size = cell_width - 2 * _PAD
    sizes = _LABEL_SIZES[full_columns]
    label_height = MAX_LINES * line_height(load_font(sizes[0], condensed=True))
    columns = min(count, full_columns)
    return _Layout(
        count=count,
        columns=columns,
        rows=math.ceil(count / columns),
        cell_width=cell_width,
        cell_height=_PAD + icon_size + _LABEL_GAP + label_height + _PAD,
        icon_size=icon_size,
        badge_diameter=max(56, round(cell_width * 0.27)),
        label_sizes=sizes,
        label_height=label_height,
    )


def _check(options: Sequence[ImageOption], selected: Sequence[str]) -> None:
    if not options:
        raise ValueError("an image keyboard needs at least one option")
    if len(options) > MAX_OPTIONS:
        raise ValueError(f"an image keyboard has at most {MAX_OPTIONS} options")
    ids = [option.id for option in options]
    if len(set(ids)) != len(ids):
        raise ValueError("option ids must be unique")
    if not set(selected) <= set(ids):
        raise ValueError("a selected id is not an option of this keyboard")


def render_keyboard(
    options: Sequence[ImageOption], *, kind: str, selected: Sequence[str] = ()
) -> KeyboardPicture:
    """Draw the options as one numbered grid PNG; selected ids are framed with their pick order.

    The same arguments always give the same bytes, so the upload can be cached.
    """
    _check(options, selected)
    theme = theme_for(kind)
    layout = _layout(len(options))
    image = Image.new("RGB", (layout.width, layout.height), theme.background)
    draw = ImageDraw.Draw(image)
    picks: defaultdict[str, list[int]] = defaultdict(list)
    for position, option_id in enumerate(selected, start=1):
        picks[option_id].append(position)
    cells = []
    for index, option in enumerate(options):
        number = index + 1
        box = layout.box(index)
        _draw_card(image, draw, layout, theme, box, option, number, option.id in picks)
        if option.id in picks:
            _draw_selection(image, draw, layout, theme, box, picks[option.id])
        cells.append(Cell(number=number, option_id=option.id, box=box))
    return KeyboardPicture(
        png=encode_png(image),
        width=layout.width,
        height=layout.height,
        columns=layout.columns,
        rows=layout.rows,
        cells=tuple(cells),
    )


def _draw_card(
    image: Image.Image,
    draw: ImageDraw.ImageDraw,
    layout: _Layout,
    theme: Theme,
    box: tuple[int, int, int, int],
    option: ImageOption,
    number: int,
    selected: bool,
) -> None:
    left, top, right, bottom = box
    draw.rounded_rectangle(
        (left, top, right - 1, bottom - 1),
        radius=_CARD_RADIUS,
        fill=theme.selected_card if selected else theme.card,
        outline=theme.card_border,
        width=2,
    )
    icon = draw_icon(option.id, layout.icon_size)
    image.paste(icon, (left + _PAD, top + _PAD), icon)
    _draw_number(image, draw, layout, theme, (left + _PAD // 2, top + _PAD // 2), number)
    _draw_label(draw, layout, theme, box, option.label)


def _draw_number(
    image: Image.Image,
    draw: ImageDraw.ImageDraw,
    layout: _Layout,
    theme: Theme,
    corner: tuple[int, int],
    number: int,
) -> None:
    """The big number badge over the icon's top-left corner."""
    diameter = layout.badge_diameter
    text, size = str(number), round(diameter * 0.56)
    # Two digits turn the round badge into a pill rather than shrinking the number.
    width = max(diameter, round(text_width(load_font(size), text) + diameter * 0.42))
    stamp = _round_stamp(width, diameter, theme.badges[(number - 1) % len(theme.badges)])
    image.paste(stamp, corner, stamp)
    _draw_centered(draw, (corner[0] + width / 2, corner[1] + diameter / 2), text, size)


def _draw_label(
    draw: ImageDraw.ImageDraw,
    layout: _Layout,
    theme: Theme,
    box: tuple[int, int, int, int],
    label: str,
) -> None:
    """The label centred under the icon, on up to two lines."""
    left, top = box[0], box[1]
    fitted = fit_label(label, layout.cell_width - 2 * _PAD, layout.label_sizes)
    step = line_height(fitted.font)
    label_top = top + _PAD + layout.icon_size + _LABEL_GAP
    y = label_top + (layout.label_height - step * len(fitted.lines)) / 2
    for line in fitted.lines:
        x = left + (layout.cell_width - text_width(fitted.font, line)) / 2
        draw_text(draw, (x, y), line, fitted.font, theme.label)
        y += step


def _draw_selection(
    image: Image.Image,
    draw: ImageDraw.ImageDraw,
    layout: _Layout,
    theme: Theme,
    box: tuple[int, int, int, int],
    positions: Sequence[int],
) -> None:
    left, top, right, bottom = box
    draw.rounded_rectangle(
        (left, top, right - 1, bottom - 1),
        radius=_CARD_RADIUS,
        outline=theme.highlight,
        width=_SELECTED_BORDER,
    )
    size = round(layout.badge_diameter * 0.46)
    font = load_font(size)
    ordinal = "º" if has_glyphs(font, "º") else "."
    text = " ".join(f"{position}{ordinal}" for position in positions)
    height = round(layout.badge_diameter * 0.7)
    width = min(round(text_width(font, text) + height * 0.7), layout.cell_width - 2 * _PAD)
    stamp = _round_stamp(width, height, theme.highlight)
    stamp_left, stamp_top = right - _PAD // 2 - width, top + _PAD // 2
    image.paste(stamp, (stamp_left, stamp_top), stamp)
    _draw_centered(draw, (stamp_left + width / 2, stamp_top + height / 2), text, size)


def _draw_centered(
    draw: ImageDraw.ImageDraw, center: tuple[float, float], text: str, size: int
) -> None:
    """White bold text centred on its ink, for badges."""
    font = load_font(size)
    left, top, right, bottom = font.getbbox(text)
    draw_text(
        draw,
        (center[0] - (left + right) / 2, center[1] - (top + bottom) / 2),
        text,
        font,
        "#FFFFFF",
    )


@lru_cache(maxsize=64)
def _round_stamp(width: int, height: int, color: str) -> Image.Image:
    """A smooth pill (a circle when square) with a white ring, as an RGBA image to paste."""
    scale = _STAMP_SUPERSAMPLE
    stamp = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    stamp_draw = ImageDraw.Draw(stamp)
    ring = max(3, height // 16) * scale
    box = (0, 0, width * scale - 1, height * scale - 1)
    stamp_draw.rounded_rectangle(box, radius=height * scale / 2, fill="#FFFFFF")
    inner = (ring, ring, width * scale - 1 - ring, height * scale - 1 - ring)
    stamp_draw.rounded_rectangle(inner, radius=height * scale / 2 - ring, fill=color)
    return stamp.reduce(scale)


def encode_png(image: Image.Image) -> bytes:
    """PNG with a 256-colour palette: flat drawings keep their look at a fraction of the size."""
    paletted = image.quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    paletted.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
