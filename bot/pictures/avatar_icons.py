"""Animal faces a child can pick as the Cuenta Mini avatar."""

from __future__ import annotations

import math

from bot.pictures.canvas import Canvas, IconSpec

INK = "#2B2D42"


def _eyes(c: Canvas, y: float, dx: float, radius: float = 3.6) -> None:
    for x in (50 - dx, 50 + dx):
        c.ellipse(x, y, radius, fill=INK)
        c.ellipse(x + radius * 0.35, y - radius * 0.35, radius * 0.35, fill="#FFFFFF")


def _smile(c: Canvas, y: float, width: float = 6) -> None:
    c.arc(50 - width / 2, y, width / 2, width / 2.6, 10, 170, fill=INK, width=1.6)
    c.arc(50 + width / 2, y, width / 2, width / 2.6, 10, 170, fill=INK, width=1.6)


def _cheeks(c: Canvas, y: float, dx: float, color: str = "#F8BBD0") -> None:
    c.ellipse(50 - dx, y, 5, 3, fill=color)
    c.ellipse(50 + dx, y, 5, 3, fill=color)


def _cat(c: Canvas) -> None:
    fur = "#9E9E9E"
    for sign in (-1, 1):
        c.polygon(
            [(50 + sign * 30, 46), (50 + sign * 28, 10), (50 + sign * 6, 32)],
            fill=fur,
            outline=INK,
            width=2,
        )
        c.polygon(
            [(50 + sign * 25, 38), (50 + sign * 25, 18), (50 + sign * 12, 32)], fill="#F8BBD0"
        )
    c.ellipse(50, 58, 34, 30, fill=fur, outline=INK, width=2)
    for x in (44.0, 50.0, 56.0):
        c.polygon([(x - 2.5, 29), (x + 2.5, 29), (x, 40)], fill="#616161")
    c.ellipse(50, 70, 15, 10, fill="#EEEEEE")
    for x in (37.0, 63.0):
        c.ellipse(x, 54, 5.5, 6.5, fill="#8BC34A", outline=INK, width=1.2)
        c.ellipse(x, 54, 1.8, 5.2, fill=INK)
    c.polygon([(45.5, 63), (54.5, 63), (50, 68)], fill="#F06292", outline=INK, width=1)
    _smile(c, 69)
    for sign in (-1, 1):
        for dy in (-3.0, 3.0):
            c.line([(50 + sign * 18, 68 + dy), (50 + sign * 40, 64 + dy * 2)], fill=INK, width=1)


def _dog(c: Canvas) -> None:
    c.oval(21, 52, 11, 24, 15, fill="#7B4A2A", outline=INK, width=2)
    c.oval(79, 52, 11, 24, -15, fill="#7B4A2A", outline=INK, width=2)
    c.ellipse(50, 54, 28, 31, fill="#D39A5B", outline=INK, width=2)
    c.ellipse(62, 46, 8, 9, fill="#8D5524")
    c.ellipse(50, 70, 17, 13, fill="#F6E3C6")
    _eyes(c, 47, 12)
    c.polygon(
        [(50, 74), (45, 79), (47, 86), (53, 86), (55, 79)], fill="#F06292", outline=INK, width=1
    )
    _smile(c, 71, 8)
    c.ellipse(50, 64, 6.5, 4.8, fill=INK)
    c.ellipse(48, 62.5, 2, 1.2, fill="#FFFFFF")


def _bear(c: Canvas) -> None:
    for x in (24.0, 76.0):
        c.ellipse(x, 28, 12, fill="#6D4C41", outline=INK, width=2)
        c.ellipse(x, 28, 6, fill="#BCAAA4")
    c.ellipse(50, 57, 35, 32, fill="#795548", outline=INK, width=2)
    c.ellipse(50, 69, 15, 11, fill="#D7CCC8")
    _eyes(c, 51, 14)
    c.ellipse(50, 64, 6, 4.2, fill=INK)
    _smile(c, 70)
    _cheeks(c, 64, 24, "#A1887F")


def _rabbit(c: Canvas) -> None:
    for x, angle in ((37.0, -12.0), (63.0, 12.0)):
        c.oval(x, 24, 9, 24, angle, fill="#FAFAFA", outline=INK, width=2)
        c.oval(x, 26, 4.5, 17, angle, fill="#F8BBD0")
    c.ellipse(50, 64, 30, 27, fill="#FAFAFA", outline=INK, width=2)
    _eyes(c, 59, 11)
    _cheeks(c, 69, 19)
    c.rect(46.5, 73, 53.5, 81, fill="#FFFFFF", outline=INK, width=1.2, radius=1.5)
    c.line([(50, 73), (50, 81)], fill=INK, width=1)
    _smile(c, 70, 7)
    c.ellipse(50, 67, 3.8, 2.6, fill="#F06292", outline=INK, width=0.8)
    for sign in (-1, 1):
        c.line([(50 + sign * 10, 70), (50 + sign * 32, 66)], fill="#9E9E9E", width=1)
        c.line([(50 + sign * 10, 73), (50 + sign * 32, 75)], fill="#9E9E9E", width=1)


def _fox(c: Canvas) -> None:
    orange = "#F4511E"
    for sign in (-1, 1):
        c.polygon(
            [(50 + sign * 34, 40), (50 + sign * 32, 6), (50 + sign * 10, 28)],
            fill=orange,
            outline=INK,
            width=2,
        )
        c.polygon(
            [(50 + sign * 29, 30), (50 + sign * 30, 13), (50 + sign * 18, 26)], fill="#3E2723"
        )
    head = [(12, 44), (24, 28), (50, 24), (76, 28), (88, 44), (74, 66), (50, 88), (26, 66)]
    c.polygon(head, fill=orange, outline=INK, width=2)
    c.polygon([(14, 46), (50, 62), (50, 87), (27, 66)], fill="#FFFFFF")
    c.polygon([(86, 46), (50, 62), (50, 87), (73, 66)], fill="#FFFFFF")
    c.line([*head, head[0]], fill=INK, width=2)
    _eyes(c, 48, 14)
    c.ellipse(50, 82, 5, 3.8, fill=INK)


def _owl(c: Canvas) -> None:
    body = "#7E57C2"
    for sign in (-1, 1):
        c.polygon(
            [(50 + sign * 30, 34), (50 + sign * 30, 8), (50 + sign * 12, 24)],
            fill=body,
            outline=INK,
            width=2,
        )
    c.oval(18, 64, 8, 19, 15, fill="#5E35B1", outline=INK, width=1.5)
    c.oval(82, 64, 8, 19, -15, fill="#5E35B1", outline=INK, width=1.5)
    c.ellipse(50, 58, 32, 36, fill=body, outline=INK, width=2)
    c.ellipse(50, 74, 18, 17, fill="#D1C4E9")
    for x, y in ((44.0, 70.0), (56.0, 70.0), (50.0, 78.0), (44.0, 85.0), (56.0, 85.0)):
        c.arc(x, y, 3.5, 2.5, 20, 160, fill="#9575CD", width=1.3)
    for x in (36.0, 64.0):
        c.ellipse(x, 44, 14, fill="#FFCA28", outline=INK, width=1.5)
        c.ellipse(x, 44, 10, fill="#FFFFFF")
        c.ellipse(x + 1, 45, 5.5, fill=INK)
        c.ellipse(x + 2.8, 43, 1.8, fill="#FFFFFF")
    c.polygon([(45, 55), (55, 55), (50, 64)], fill="#FF8F00", outline=INK, width=1.2)
    for x in (42.0, 58.0):
        c.ellipse(x, 94, 6, 3.5, fill="#FF8F00", outline=INK, width=1)


def _panda(c: Canvas) -> None:
    for x in (24.0, 76.0):
        c.ellipse(x, 27, 12, fill="#212121")
    c.ellipse(50, 57, 35, 32, fill="#FFFFFF", outline=INK, width=2)
    c.oval(36, 52, 8, 11.5, 35, fill="#212121")
    c.oval(64, 52, 8, 11.5, -35, fill="#212121")
    for x in (37.0, 63.0):
        c.ellipse(x, 51, 3.4, fill="#FFFFFF")
        c.ellipse(x, 51, 1.8, fill=INK)
    c.ellipse(50, 66, 5.5, 3.8, fill="#212121")
    _smile(c, 71)
    _cheeks(c, 66, 22)


def _lion(c: Canvas) -> None:
    c.ellipse(50, 54, 42, fill="#E65100", outline=INK, width=2)
    for i in range(16):
        angle = i * 22.5
        c.oval(
            50 + 34 * math.cos(math.radians(angle)),
            54 + 34 * math.sin(math.radians(angle)),
            10,
            7,
            angle,
            fill="#EF6C00" if i % 2 else "#F57C00",
        )
    for x in (33.0, 67.0):
        c.ellipse(x, 35, 7, fill="#FFCA28", outline=INK, width=1.5)
        c.ellipse(x, 35, 3.5, fill="#FFA000")
    c.ellipse(50, 57, 25, 24, fill="#FFCA28", outline=INK, width=2)
    c.ellipse(50, 67, 12, 8.5, fill="#FFF3C4")
    _eyes(c, 52, 10)
    c.polygon([(45, 61), (55, 61), (50, 66)], fill="#5D4037")
    _smile(c, 68)


AVATAR_ICONS: dict[str, IconSpec] = {
    "avatar_cat": IconSpec("#E3F2FD", _cat),
    "avatar_dog": IconSpec("#FFF9C4", _dog),
    "avatar_bear": IconSpec("#E8F5E9", _bear),
    "avatar_rabbit": IconSpec("#F3E5F5", _rabbit),
    "avatar_fox": IconSpec("#E0F2F1", _fox),
    "avatar_owl": IconSpec("#FFF3E0", _owl),
    "avatar_panda": IconSpec("#DCEDC8", _panda),
    "avatar_lion": IconSpec("#E1F5FE", _lion),
}
