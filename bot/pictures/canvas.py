"""A square drawing surface in units of 0..100, supersampled so flat shapes get smooth edges."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeAlias

from PIL import Image, ImageChops, ImageDraw

Point: TypeAlias = tuple[float, float]
Color: TypeAlias = str

UNITS = 100.0
# Pillow draws shapes without anti-aliasing; drawing larger and reducing gives smooth edges.
# Small icons need 3x; from LARGE_ICON pixels 2x looks the same and is twice as fast.
SUPERSAMPLE_SMALL = 3
SUPERSAMPLE_LARGE = 2
LARGE_ICON = 160
TILE_RADIUS = 18.0


def arc_points(
    cx: float, cy: float, rx: float, ry: float, start: float, end: float, steps: int = 24
) -> list[Point]:
    """Points along an elliptical arc, angles in degrees clockwise from 3 o'clock (Pillow's)."""
    return [
        (
            cx + rx * math.cos(math.radians(start + (end - start) * i / steps)),
            cy + ry * math.sin(math.radians(start + (end - start) * i / steps)),
        )
        for i in range(steps + 1)
    ]


def quad_points(p0: Point, p1: Point, p2: Point, steps: int = 16) -> list[Point]:
    """Points along the quadratic Bézier curve from p0 to p2 pulled towards p1."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        points.append((a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1]))
    return points


def rotated(points: Sequence[Point], angle: float, center: Point) -> list[Point]:
    """The points turned by angle degrees (clockwise on screen) around center."""
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    cx, cy = center
    return [
        (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
        for x, y in points
    ]


class Canvas:
    """A rounded tile of one background colour; shapes are clipped to the tile."""

    def __init__(self, size: int, background: Color) -> None:
        self.size = size
        self._supersample = SUPERSAMPLE_LARGE if size >= LARGE_ICON else SUPERSAMPLE_SMALL
        self._pixels = size * self._supersample
        self._scale = self._pixels / UNITS
        self._image = Image.new("RGB", (self._pixels, self._pixels), background)
        self._draw = ImageDraw.Draw(self._image)

    def _xy(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * self._scale, y * self._scale) for x, y in points]

    def _box(self, cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
        s = self._scale
        return ((cx - rx) * s, (cy - ry) * s, (cx + rx) * s, (cy + ry) * s)

    def _width(self, width: float) -> int:
        return max(1, round(width * self._scale)) if width > 0 else 0

    def ellipse(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float | None = None,
        *,
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        """An axis-aligned ellipse (a circle when ry is omitted)."""
        box = self._box(cx, cy, rx, rx if ry is None else ry)
        self._draw.ellipse(box, fill=fill, outline=outline, width=self._width(width))

    def oval(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        angle: float,
        *,
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        """An ellipse turned by angle degrees (leaves, petals, wings)."""
        points = rotated(arc_points(cx, cy, rx, ry, 0, 360, 48)[:-1], angle, (cx, cy))
        self.polygon(points, fill=fill, outline=outline, width=width)

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        *,
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
        radius: float = 0,
    ) -> None:
        """A rectangle, with rounded corners when radius > 0."""
        box = self._xy([(x0, y0), (x1, y1)])
        self._draw.rounded_rectangle(
            (box[0], box[1]),
            radius=radius * self._scale,
            fill=fill,
            outline=outline,
            width=self._width(width),
        )

    def polygon(
        self,
        points: Sequence[Point],
        *,
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        """A filled polygon, optionally outlined."""
        xy = self._xy(points)
        self._draw.polygon(xy, fill=fill)
        if outline is not None and width > 0:
            self.line([*points, points[0]], fill=outline, width=width)

    def line(self, points: Sequence[Point], *, fill: Color, width: float) -> None:
        """A polyline with round joints and round ends."""
        xy = self._xy(points)
        pixel_width = self._width(width)
        self._draw.line(xy, fill=fill, width=pixel_width)
        if pixel_width > 2:
            # Round joints and caps; cheaper than Pillow's joint="curve" on long arcs.
            radius = (pixel_width - 1) / 2
            for x, y in xy:
                self._draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)

    def arc(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        end: float,
        *,
        fill: Color,
        width: float,
    ) -> None:
        """An elliptical arc stroke with round ends (angles as in Pillow)."""
        self.line(arc_points(cx, cy, rx, ry, start, end, 32), fill=fill, width=width)

    def pieslice(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        end: float,
        *,
        fill: Color,
    ) -> None:
        """A filled slice of an ellipse."""
        self._draw.pieslice(self._box(cx, cy, rx, ry), start, end, fill=fill)

    def chord(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        end: float,
        *,
        fill: Color,
    ) -> None:
        """A filled segment of an ellipse cut by a straight line."""
        self._draw.chord(self._box(cx, cy, rx, ry), start, end, fill=fill)

    @contextmanager
    def clip_ellipse(
        self, cx: float, cy: float, rx: float, ry: float | None = None
    ) -> Iterator[None]:
        """Shapes drawn inside the block are kept only within this ellipse."""
        mask = Image.new("L", self._image.size, 0)
        ImageDraw.Draw(mask).ellipse(self._box(cx, cy, rx, rx if ry is None else ry), fill=255)
        with self._clipped(mask):
            yield

    @contextmanager
    def clip_polygon(self, points: Sequence[Point]) -> Iterator[None]:
        """Shapes drawn inside the block are kept only within this polygon."""
        mask = Image.new("L", self._image.size, 0)
        ImageDraw.Draw(mask).polygon(self._xy(points), fill=255)
        with self._clipped(mask):
            yield

    @contextmanager
    def _clipped(self, mask: Image.Image) -> Iterator[None]:
        base, base_draw = self._image, self._draw
        layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
        self._image, self._draw = layer, ImageDraw.Draw(layer)
        try:
            yield
        finally:
            self._image, self._draw = base, base_draw
            base.paste(layer, (0, 0), ImageChops.multiply(layer.getchannel("A"), mask))

    def finish(self) -> Image.Image:
        """The tile at its final size (RGBA), transparent outside its rounded corners."""
        tile_mask = Image.new("L", self._image.size, 0)
        ImageDraw.Draw(tile_mask).rounded_rectangle(
            (0, 0, self._pixels - 1, self._pixels - 1), radius=TILE_RADIUS * self._scale, fill=255
        )
        # Reducing RGB and the mask separately avoids Pillow's premultiplied RGBA conversions.
        tile = self._image.reduce(self._supersample)
        tile.putalpha(tile_mask.reduce(self._supersample))
        return tile


Painter: TypeAlias = Callable[[Canvas], None]


@dataclass(frozen=True, slots=True)
class IconSpec:
    """How to draw one icon: the tile's background colour and the shapes on it."""

    background: Color
    paint: Painter
