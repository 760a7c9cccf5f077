"""Everyday things a child recognises, for the Cuenta Mini picture password."""

from __future__ import annotations

import math

from bot.pictures.canvas import Canvas, IconSpec, Point, arc_points, quad_points

INK = "#2B2D42"


def _star_points(cx: float, cy: float, outer: float, inner: float, tips: int = 5) -> list[Point]:
    points = []
    for i in range(tips * 2):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 180 / tips)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _apple(c: Canvas) -> None:
    circles = ((37.0, 56.0, 25.0, 25.0), (63.0, 56.0, 25.0, 25.0), (50.0, 69.0, 27.0, 21.0))
    for x, y, rx, ry in circles:
        c.ellipse(x, y, rx + 2, ry + 2, fill=INK)
    for x, y, rx, ry in circles:
        c.ellipse(x, y, rx, ry, fill="#E53935")
    c.line([(50, 36), (53, 18)], fill="#5D4037", width=3.5)
    c.oval(64, 22, 11, 5.5, -25, fill="#43A047", outline=INK, width=1.5)
    c.oval(35, 47, 4, 9, 20, fill="#FFCDD2")


def _banana(c: Canvas) -> None:
    top, bottom = (26.0, 14.0), (88.0, 74.0)
    outer = quad_points(top, (8, 88), bottom, 24)
    inner = quad_points(bottom, (40, 60), top, 24)
    c.polygon([(22, 4), (28, 3), (30, 16), (24, 17)], fill="#795548", outline=INK, width=1.5)
    c.polygon(outer + inner[1:], fill="#FFE135", outline=INK, width=2.2)
    c.line(quad_points((27, 20), (22, 74), (84, 72), 20), fill="#F9A825", width=2)
    c.ellipse(87, 73.5, 2.8, fill="#5D4037")


def _ball(c: Canvas) -> None:
    c.ellipse(50, 92, 26, 4, fill="#A5D6A7")
    c.ellipse(50, 50, 37, fill="#FFFFFF", outline=INK, width=2.5)
    with c.clip_ellipse(50, 50, 36):
        center = _star_points(50, 50, 12, 12 * math.cos(math.radians(36)), 5)[::2]
        for i, (x, y) in enumerate(center):
            angle = math.radians(-90 + i * 72)
            far = (50 + 36 * math.cos(angle), 50 + 36 * math.sin(angle))
            c.line([(x, y), far], fill=INK, width=1.8)
            fx, fy = (
                50 + 40 * math.cos(angle + math.radians(36)),
                50 + 40 * math.sin(angle + math.radians(36)),
            )
            outer = _star_points(fx, fy, 12, 12 * math.cos(math.radians(36)), 5)[::2]
            c.polygon(outer, fill="#212121")
        c.polygon(center, fill="#212121")
    c.ellipse(50, 50, 37, outline=INK, width=2.5)


def _star(c: Canvas) -> None:
    c.polygon(_star_points(50, 54, 44, 19), fill="#FFC107", outline=INK, width=2.5)
    c.polygon(_star_points(50, 54, 30, 13), fill="#FFD54F")
    c.ellipse(43, 54, 2.5, fill=INK)
    c.ellipse(57, 54, 2.5, fill=INK)
    c.arc(50, 60, 5, 3.5, 20, 160, fill=INK, width=1.8)


def _heart(c: Canvas) -> None:
    # The classic parametric heart curve, scaled to the tile.
    outline = []
    for step in range(72):
        t = 2 * math.pi * step / 72
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        outline.append((50 + 2.6 * x, 49 - 2.6 * y))
    c.polygon(outline, fill="#EC407A", outline=INK, width=2.5)
    c.oval(30, 34, 5, 8, 40, fill="#F8BBD0")


def _house(c: Canvas) -> None:
    c.rect(-2, 86, 102, 102, fill="#8BC34A")
    c.rect(62, 20, 72, 42, fill="#8D6E63", outline=INK, width=1.5)
    c.rect(20, 46, 80, 88, fill="#FFD54F", outline=INK, width=2)
    c.polygon([(12, 50), (50, 16), (88, 50)], fill="#E53935", outline=INK, width=2)
    c.rect(44, 62, 57, 88, fill="#8D6E63", outline=INK, width=1.5, radius=2)
    c.ellipse(54, 76, 1.3, fill="#FFD54F")
    for x0 in (26.0, 63.0):
        c.rect(x0, 58, x0 + 12, 70, fill="#81D4FA", outline=INK, width=1.5)
        c.line([(x0 + 6, 58), (x0 + 6, 70)], fill=INK, width=1)
        c.line([(x0, 64), (x0 + 12, 64)], fill=INK, width=1)


def _tree(c: Canvas) -> None:
    c.rect(-2, 88, 102, 102, fill="#AED581")
    c.polygon([(43, 92), (45, 56), (55, 56), (57, 92)], fill="#795548", outline=INK, width=1.8)
    crown = ((50.0, 30.0, 21.0), (31.0, 45.0, 17.0), (69.0, 45.0, 17.0), (50.0, 52.0, 19.0))
    for x, y, r in crown:
        c.ellipse(x, y, r + 2, fill=INK)
    for x, y, r in crown:
        c.ellipse(x, y, r, fill="#43A047")
    for x, y, r in ((44.0, 26.0, 6.0), (28.0, 41.0, 4.5), (62.0, 38.0, 5.0)):
        c.ellipse(x, y, r, fill="#66BB6A")
    for x, y in ((36.0, 52.0), (60.0, 56.0), (54.0, 34.0)):
        c.ellipse(x, y, 3.5, fill="#E53935", outline=INK, width=0.8)


def _fish(c: Canvas) -> None:
    for x, y, r in ((18.0, 22.0, 3.5), (25.0, 12.0, 2.5), (14.0, 8.0, 2.0)):
        c.ellipse(x, y, r, outline="#4FC3F7", width=1.2)
    c.polygon([(70, 52), (94, 32), (90, 52), (94, 72)], fill="#FF8F00", outline=INK, width=2)
    c.polygon([(38, 34), (52, 18), (62, 36)], fill="#FF8F00", outline=INK, width=1.8)
    c.ellipse(44, 54, 32, 21, fill="#FF8F00", outline=INK, width=2)
    with c.clip_ellipse(44, 54, 31, 20):
        for x in (36.0, 56.0):
            c.rect(x - 4, 20, x + 4, 90, fill="#FFFFFF", outline=INK, width=1.5)
    c.ellipse(44, 54, 32, 21, outline=INK, width=2)
    c.ellipse(24, 48, 5.5, fill="#FFFFFF", outline=INK, width=1.2)
    c.ellipse(23, 48, 2.8, fill=INK)
    c.arc(17, 60, 5, 3, 300, 400, fill=INK, width=1.5)


def _car(c: Canvas) -> None:
    c.polygon([(22, 52), (32, 28), (66, 28), (80, 52)], fill="#1565C0", outline=INK, width=2)
    c.polygon([(30, 50), (37, 33), (48, 33), (48, 50)], fill="#B3E5FC", outline=INK, width=1.2)
    c.polygon([(53, 50), (53, 33), (63, 33), (72, 50)], fill="#B3E5FC", outline=INK, width=1.2)
    c.rect(6, 48, 94, 76, fill="#1E88E5", outline=INK, width=2, radius=9)
    c.line([(50, 56), (56, 56)], fill=INK, width=1.5)
    c.ellipse(89, 58, 3.2, fill="#FFF176", outline=INK, width=1)
    c.rect(6, 56, 10, 62, fill="#E53935")
    for x in (28.0, 72.0):
        c.ellipse(x, 76, 11, fill="#263238")
        c.ellipse(x, 76, 4.5, fill="#B0BEC5")


def _boat(c: Canvas) -> None:
    c.polygon([(51, 14), (51, 60), (84, 60)], fill="#FFFFFF", outline=INK, width=1.8)
    c.polygon([(47, 24), (47, 60), (20, 60)], fill="#FFCA28", outline=INK, width=1.8)
    c.line([(49, 10), (49, 66)], fill="#5D4037", width=2.5)
    c.polygon([(49, 10), (60, 13), (49, 17)], fill="#E53935")
    c.polygon([(10, 64), (90, 64), (76, 82), (24, 82)], fill="#D84315", outline=INK, width=2)
    c.line([(16, 70), (85, 70)], fill="#FFFFFF", width=2)
    crest = [(x, 84 + 2.5 * math.sin(x / 100 * 6 * math.pi)) for x in range(-2, 104, 3)]
    c.polygon([*crest, (102, 102), (-2, 102)], fill="#29B6F6")
    c.line(crest, fill="#FFFFFF", width=1.8)


def _moon(c: Canvas) -> None:
    night = "#1A237E"
    for x, y, r in ((80.0, 20.0, 7.0), (82.0, 72.0, 5.0), (62.0, 88.0, 4.0), (20.0, 16.0, 4.0)):
        c.polygon(_star_points(x, y, r, r * 0.4, 4), fill="#FFF9C4")
    c.ellipse(46, 52, 34, fill="#FFEE58")
    c.ellipse(66, 40, 29, fill=night)
    c.ellipse(28, 60, 3, fill="#FBC02D")
    c.ellipse(38, 76, 4.5, fill="#FBC02D")
    c.arc(26, 48, 4, 3, 20, 160, fill=INK, width=1.8)


def _flower(c: Canvas) -> None:
    c.line([(50, 56), (50, 96)], fill="#388E3C", width=4)
    c.oval(61, 80, 11, 5, -30, fill="#66BB6A", outline=INK, width=1.2)
    c.oval(39, 74, 11, 5, 30, fill="#66BB6A", outline=INK, width=1.2)
    for i in range(6):
        angle = i * 60
        x = 50 + 17 * math.cos(math.radians(angle))
        y = 38 + 17 * math.sin(math.radians(angle))
        c.oval(x, y, 13, 9, angle, fill="#AB47BC", outline=INK, width=1.5)
    c.ellipse(50, 38, 11, fill="#FFEB3B", outline=INK, width=1.5)
    c.ellipse(46, 36, 1.6, fill=INK)
    c.ellipse(54, 36, 1.6, fill=INK)
    c.arc(50, 40, 4, 3, 20, 160, fill=INK, width=1.3)


def _umbrella(c: Canvas) -> None:
    for x, y in ((18.0, 16.0), (84.0, 22.0), (26.0, 70.0), (78.0, 76.0)):
        c.polygon([(x, y - 5), (x + 3, y + 1), (x - 3, y + 1)], fill="#4FC3F7")
        c.ellipse(x, y + 1.5, 3, fill="#4FC3F7")
    c.line([(50, 50), (50, 84)], fill="#5D4037", width=3)
    c.arc(43, 84, 7, 7, 0, 180, fill="#5D4037", width=3)
    colors = ("#00ACC1", "#FFEB3B", "#00ACC1", "#FFEB3B")
    for i, color in enumerate(colors):
        c.pieslice(50, 54, 42, 36, 180 + i * 45, 225 + i * 45, fill=color)
    c.line(arc_points(50, 54, 42, 36, 180, 360, 32), fill=INK, width=2)
    for x in (18.5, 39.5, 60.5, 81.5):
        c.ellipse(x, 57, 10.5, 6, fill="#FFF8E1")
    c.ellipse(50, 17, 2.5, fill=INK)


def _icecream(c: Canvas) -> None:
    cone = [(32, 52), (68, 52), (50, 96)]
    c.polygon(cone, fill="#E0A85C", outline=INK, width=2)
    with c.clip_polygon(cone):
        for offset in range(-40, 60, 9):
            c.line([(offset, 48), (offset + 50, 98)], fill="#B07A36", width=1.2)
            c.line([(offset + 50, 48), (offset, 98)], fill="#B07A36", width=1.2)
    c.ellipse(50, 47, 19, 13, fill="#A5D6A7", outline=INK, width=1.8)
    c.ellipse(50, 31, 16, 14, fill="#F48FB1", outline=INK, width=1.8)
    c.line([(50, 17), (56, 8)], fill="#5D4037", width=1.5)
    c.ellipse(50, 17, 5, fill="#E53935", outline=INK, width=1.2)
    c.ellipse(48.5, 15.5, 1.3, fill="#FFFFFF")


def _kite(c: Canvas) -> None:
    top, right, bottom, left, middle = (44, 6), (74, 32), (44, 70), (14, 32), (44, 32)
    for a, b, color in (
        (top, right, "#E53935"),
        (right, bottom, "#FFCA28"),
        (bottom, left, "#1E88E5"),
        (left, top, "#43A047"),
    ):
        c.polygon([a, b, middle], fill=color)
    c.line([top, right, bottom, left, top], fill=INK, width=2)
    c.line([top, bottom], fill=INK, width=1.2)
    c.line([left, right], fill=INK, width=1.2)
    tail = quad_points(bottom, (40, 96), (90, 90), 20)
    c.line(tail, fill=INK, width=1.5)
    for index, color in ((5, "#E53935"), (11, "#FFCA28"), (17, "#1E88E5")):
        x, y = tail[index]
        c.polygon([(x, y), (x - 6, y - 5), (x - 6, y + 5)], fill=color, outline=INK, width=1)
        c.polygon([(x, y), (x + 6, y - 5), (x + 6, y + 5)], fill=color, outline=INK, width=1)


def _balloons(c: Canvas) -> None:
    knot = (50.0, 92.0)
    for x, y, color in ((31.0, 30.0, "#E53935"), (69.0, 28.0, "#1E88E5"), (50.0, 44.0, "#FDD835")):
        bottom = (x, y + 19)
        c.line(quad_points((x, y + 20), ((x + 50) / 2 + 4, 70), knot, 12), fill=INK, width=1)
        c.ellipse(x, y, 15, 19, fill=color, outline=INK, width=1.8)
        c.polygon(
            [bottom, (bottom[0] - 3, bottom[1] + 4), (bottom[0] + 3, bottom[1] + 4)],
            fill=color,
            outline=INK,
            width=1,
        )
        c.oval(x - 6, y - 8, 2.5, 6, 25, fill="#FFFFFF")


PICTURE_ICONS: dict[str, IconSpec] = {
    "pic_apple": IconSpec("#E8F5E9", _apple),
    "pic_banana": IconSpec("#E3F2FD", _banana),
    "pic_ball": IconSpec("#DCEDC8", _ball),
    "pic_star": IconSpec("#E8EAF6", _star),
    "pic_heart": IconSpec("#FFF8E1", _heart),
    "pic_house": IconSpec("#E1F5FE", _house),
    "pic_tree": IconSpec("#FFFDE7", _tree),
    "pic_fish": IconSpec("#E0F7FA", _fish),
    "pic_car": IconSpec("#FFF3E0", _car),
    "pic_boat": IconSpec("#FFFDE7", _boat),
    "pic_moon": IconSpec("#1A237E", _moon),
    "pic_flower": IconSpec("#FCE4EC", _flower),
    "pic_umbrella": IconSpec("#FFF8E1", _umbrella),
    "pic_icecream": IconSpec("#F3E5F5", _icecream),
    "pic_kite": IconSpec("#E1F5FE", _kite),
    "pic_balloon": IconSpec("#FFFDE7", _balloons),
}
