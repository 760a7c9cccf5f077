"""Things a child saves up for, the pictures of a Cuenta Mini savings goal (issue 5)."""

from __future__ import annotations

import math

from bot.pictures.canvas import Canvas, IconSpec, quad_points, rotated

INK = "#2B2D42"


def _wheel(c: Canvas, cx: float, cy: float, radius: float) -> None:
    c.ellipse(cx, cy, radius, fill="#37474F", outline=INK, width=2)
    c.ellipse(cx, cy, radius - 4, fill="#ECEFF1")
    for i in range(6):
        angle = math.radians(i * 30)
        dx, dy = (radius - 4) * math.cos(angle), (radius - 4) * math.sin(angle)
        c.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill="#90A4AE", width=1)
    c.ellipse(cx, cy, 3, fill="#FFC107", outline=INK, width=1)


def _bike(c: Canvas) -> None:
    c.ellipse(50, 88, 42, 4, fill="#BBDEFB")
    _wheel(c, 25, 66, 18)
    _wheel(c, 75, 66, 18)
    red = "#E53935"
    seat, pedal, head = (40.0, 38.0), (48.0, 66.0), (66.0, 38.0)
    for start, end in ((25, 66), pedal), (pedal, seat), (seat, head), (head, pedal):
        c.line([start, end], fill=INK, width=6.5)
    for start, end in ((25, 66), pedal), (pedal, seat), (seat, head), (head, pedal):
        c.line([start, end], fill=red, width=4)
    c.line([(25, 66), seat], fill=INK, width=5.5)
    c.line([(25, 66), seat], fill=red, width=3)
    c.line([head, (75, 66)], fill=INK, width=5.5)
    c.line([head, (75, 66)], fill="#B0BEC5", width=3)
    c.line([head, (64, 26), (72, 24)], fill=INK, width=4)
    c.oval(39, 33, 9, 3.5, -5, fill="#5D4037", outline=INK, width=1.5)
    c.ellipse(48, 66, 5, fill="#FFC107", outline=INK, width=1.5)
    c.ellipse(74, 24, 3, 2.5, fill="#1E88E5")


def _ball(c: Canvas) -> None:
    # A beach ball (the password's pelota is a football): coloured slices, a white cap.
    c.ellipse(50, 90, 28, 4, fill="#FFE082")
    slices = ("#E53935", "#FDD835", "#1E88E5", "#43A047", "#FB8C00", "#8E24AA")
    for i, color in enumerate(slices):
        c.pieslice(50, 50, 38, 38, -90 + i * 60, -30 + i * 60, fill=color)
    c.ellipse(50, 50, 10, fill="#FFFFFF", outline=INK, width=1.5)
    c.ellipse(50, 50, 38, outline=INK, width=2.5)
    c.oval(34, 31, 5, 10, 40, fill="#FFFFFF")


def _game(c: Canvas) -> None:
    body = "#5E35B1"
    c.oval(27, 60, 15, 22, 25, fill=body, outline=INK, width=2)
    c.oval(73, 60, 15, 22, -25, fill=body, outline=INK, width=2)
    c.rect(24, 34, 76, 66, fill=body, outline=INK, width=2, radius=14)
    c.oval(27, 60, 13, 20, 25, fill=body)
    c.oval(73, 60, 13, 20, -25, fill=body)
    c.rect(25.5, 35.5, 74.5, 64.5, fill=body, radius=13)
    c.rect(26, 47, 40, 53, fill="#212121", radius=1.5)
    c.rect(30, 43, 36, 57, fill="#212121", radius=1.5)
    for x, y, color in ((66, 43, "#FDD835"), (72, 50, "#E53935"), (60, 50, "#1E88E5")):
        c.ellipse(x, y, 3.6, fill=color, outline=INK, width=1)
    c.ellipse(66, 57, 3.6, fill="#43A047", outline=INK, width=1)
    c.rect(45, 40, 49, 43, fill="#B39DDB", radius=1)
    c.rect(51, 40, 55, 43, fill="#B39DDB", radius=1)
    c.line(quad_points((50, 34), (46, 20), (58, 12)), fill=INK, width=2)


def _book(
    c: Canvas, x0: float, y0: float, x1: float, y1: float, cover: str, band: str, tilt: float
) -> None:
    height = y1 - y0
    points = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    center = ((x0 + x1) / 2, (y0 + y1) / 2)
    c.polygon(rotated(points, tilt, center), fill=cover, outline=INK, width=2)
    pages = [(x1 - 5, y0 + 2), (x1 - 1, y0 + 2), (x1 - 1, y1 - 2), (x1 - 5, y1 - 2)]
    c.polygon(rotated(pages, tilt, center), fill="#FFF8E1")
    stripe = [(x0 + 8, y0), (x0 + 13, y0), (x0 + 13, y0 + height), (x0 + 8, y0 + height)]
    c.polygon(rotated(stripe, tilt, center), fill=band)


def _books(c: Canvas) -> None:
    c.ellipse(50, 90, 38, 4, fill="#C5E1A5")
    _book(c, 14, 70, 84, 86, "#1E88E5", "#FDD835", 0)
    _book(c, 20, 54, 80, 70, "#E53935", "#FFFFFF", -3)
    _book(c, 16, 38, 78, 54, "#43A047", "#FFB300", 4)
    # An apple on top, for the school feeling.
    c.ellipse(56, 27, 9, 8, fill="#E53935", outline=INK, width=1.8)
    c.line([(56, 20), (58, 13)], fill="#5D4037", width=2)
    c.oval(63, 15, 5, 2.5, -25, fill="#43A047", outline=INK, width=1)


def _teddy(c: Canvas) -> None:
    fur, light = "#C68642", "#F1C27D"
    c.ellipse(50, 94, 30, 4, fill="#F8BBD0")
    for x in (27.0, 73.0):
        c.ellipse(x, 86, 11, 8, fill=fur, outline=INK, width=1.8)
        c.ellipse(x, 87, 6, 4.5, fill=light)
    c.ellipse(50, 72, 25, 22, fill=fur, outline=INK, width=2)
    c.ellipse(50, 75, 14, 13, fill=light)
    for sign in (-1, 1):
        c.oval(50 + sign * 25, 66, 8, 13, sign * -35, fill=fur, outline=INK, width=1.8)
    for x in (31.0, 69.0):
        c.ellipse(x, 18, 9, fill=fur, outline=INK, width=2)
        c.ellipse(x, 18, 4.5, fill=light)
    c.ellipse(50, 35, 22, 20, fill=fur, outline=INK, width=2)
    c.ellipse(50, 42, 10, 7.5, fill=light)
    for x in (42.0, 58.0):
        c.ellipse(x, 32, 2.8, fill=INK)
    c.ellipse(50, 39, 3.8, 2.8, fill=INK)
    c.arc(50, 44, 4, 2.5, 20, 160, fill=INK, width=1.4)
    # A bow tie.
    c.polygon([(50, 54), (39, 49), (39, 59)], fill="#E91E63", outline=INK, width=1.5)
    c.polygon([(50, 54), (61, 49), (61, 59)], fill="#E91E63", outline=INK, width=1.5)
    c.ellipse(50, 54, 3, fill="#AD1457", outline=INK, width=1)


def _tablet(c: Canvas) -> None:
    c.rect(20, 10, 80, 90, fill="#263238", outline=INK, width=2, radius=8)
    c.rect(25, 17, 75, 80, fill="#81D4FA", radius=2)
    c.ellipse(50, 85, 2.6, fill="#90A4AE")
    # A sunny game on the screen: apps, the sun and green hills.
    with c.clip_polygon([(25, 17), (75, 17), (75, 80), (25, 80)]):
        c.ellipse(38, 86, 30, 22, fill="#66BB6A")
        c.ellipse(68, 90, 26, 26, fill="#43A047")
    c.ellipse(63, 44, 7, fill="#FFEB3B", outline="#F9A825", width=1)
    colors = ("#E53935", "#FB8C00", "#8E24AA")
    for i, color in enumerate(colors):
        c.rect(30 + i * 11, 24, 37 + i * 11, 31, fill=color, radius=2)


def _trip(c: Canvas) -> None:
    # Paseo: a day out to the mountains, a path winding towards them under the sun.
    c.rect(0, 0, 100, 100, fill="#B3E5FC")
    c.ellipse(76, 22, 10, fill="#FFCA28", outline="#F57F17", width=1.5)
    for i in range(8):
        angle = math.radians(i * 45)
        c.line(
            [
                (76 + 13 * math.cos(angle), 22 + 13 * math.sin(angle)),
                (76 + 17 * math.cos(angle), 22 + 17 * math.sin(angle)),
            ],
            fill="#F9A825",
            width=2,
        )
    c.polygon([(-4, 70), (30, 24), (62, 70)], fill="#6D4C41", outline=INK, width=2)
    c.polygon([(30, 24), (22, 35), (27, 33), (31, 37), (36, 33), (38, 35)], fill="#FFFFFF")
    c.polygon([(36, 72), (66, 36), (104, 72)], fill="#8D6E63", outline=INK, width=2)
    c.polygon([(66, 36), (59, 45), (64, 43), (67, 46), (71, 43), (73, 45)], fill="#FFFFFF")
    c.rect(-2, 66, 102, 102, fill="#7CB342")
    c.line([(-2, 66), (102, 66)], fill=INK, width=2)
    path = quad_points((30, 102), (72, 86), (50, 67), 20)
    c.line(path, fill="#FFE0B2", width=9)
    c.ellipse(16, 78, 6, 5, fill="#33691E")
    c.ellipse(86, 82, 7, 6, fill="#33691E")


def _pet(c: Canvas) -> None:
    # Mascota: a paw print and a bone, whatever the pet turns out to be.
    paw = "#6D4C41"
    c.polygon(
        [*quad_points((30, 70), (28, 44), (50, 44)), *quad_points((50, 44), (72, 44), (70, 70))],
        fill=paw,
        outline=INK,
        width=2,
    )
    c.ellipse(50, 70, 22, 14, fill=paw, outline=INK, width=2)
    c.ellipse(50, 64, 20, 14, fill=paw)
    for x, y, angle in ((22.0, 42.0, -25.0), (38.0, 26.0, -8.0), (62.0, 26.0, 8.0), (78, 42, 25)):
        c.oval(x, y, 8, 11, angle, fill=paw, outline=INK, width=2)
        c.oval(x, y - 2, 3, 4.5, angle, fill="#A1887F")
    c.ellipse(50, 62, 10, 6, fill="#A1887F")
    # A bone under the paw.
    c.rect(26, 86, 74, 93, fill="#FFF8E1", outline=INK, width=1.5, radius=3)
    for x in (24.0, 76.0):
        for y in (85.5, 93.5):
            c.ellipse(x, y, 4.5, fill="#FFF8E1", outline=INK, width=1.5)
    c.rect(24, 86.5, 76, 92.5, fill="#FFF8E1")


GOAL_ICONS: dict[str, IconSpec] = {
    "goal_bike": IconSpec("#E3F2FD", _bike),
    "goal_ball": IconSpec("#FFF8E1", _ball),
    "goal_game": IconSpec("#E0F7FA", _game),
    "goal_books": IconSpec("#FFFDE7", _books),
    "goal_teddy": IconSpec("#FCE4EC", _teddy),
    "goal_tablet": IconSpec("#EDE7F6", _tablet),
    "goal_trip": IconSpec("#B3E5FC", _trip),
    "goal_pet": IconSpec("#FFF3E0", _pet),
}
