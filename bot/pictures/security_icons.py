"""The twelve security pictures a customer picks at registration (see bank/registration/images)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.pictures.canvas import Canvas, IconSpec, Point, arc_points, quad_points, rotated

INK = "#2B2D42"


def _mountain(c: Canvas) -> None:
    c.ellipse(78, 20, 9, 5, fill="#FFFFFF")
    c.ellipse(70, 22, 7, 4, fill="#FFFFFF")
    c.polygon([(2, 88), (34, 34), (66, 88)], fill="#8D9DBB", outline=INK, width=2)
    c.polygon(
        [(34, 34), (25.7, 48), (30, 52), (34, 47), (38, 52), (42.3, 48)],
        fill="#FFFFFF",
        outline=INK,
        width=1.5,
    )
    c.polygon([(26, 90), (62, 18), (98, 90)], fill="#5C6B8A", outline=INK, width=2)
    c.polygon(
        [(62, 18), (52, 38), (56, 43), (60, 37), (64, 44), (68, 37), (72, 38)],
        fill="#FFFFFF",
        outline=INK,
        width=1.5,
    )
    c.ellipse(50, 106, 70, 22, fill="#7CB342", outline=INK, width=2)


def _wave_band(c: Canvas, top: float, amplitude: float, phase: float, color: str) -> None:
    crest = [
        (x, top + amplitude * math.sin((x / 100) * 4 * math.pi + phase)) for x in range(-2, 103, 3)
    ]
    c.polygon([*crest, (102, 102), (-2, 102)], fill=color)
    c.line(crest, fill="#FFFFFF", width=2.5)


def _sea(c: Canvas) -> None:
    c.ellipse(74, 30, 12, fill="#FFB74D")
    for x, y in ((24, 20), (44, 14)):
        c.arc(x - 4, y, 4, 3, 200, 340, fill=INK, width=1.8)
        c.arc(x + 4, y, 4, 3, 200, 340, fill=INK, width=1.8)
    _wave_band(c, 44, 3, 0.0, "#0D47A1")
    _wave_band(c, 60, 3.5, 1.5, "#1976D2")
    _wave_band(c, 77, 4, 3.0, "#42A5F5")


def _condor_wing(c: Canvas, sign: float) -> None:
    def side(points: Sequence[Point]) -> list[Point]:
        return [(50 + sign * (50 - x), y) for x, y in points]

    wing = [
        (44, 46),
        (26, 36),
        (8, 30),
        (1, 33),
        (8, 37),
        (0, 40),
        (8, 43),
        (1, 48),
        (9, 50),
        (4, 56),
        (14, 56),
        (28, 62),
        (44, 64),
    ]
    c.polygon(side(wing), fill="#212121", outline=INK, width=1.5)
    c.polygon(side([(42, 52), (26, 47), (12, 45), (14, 50), (28, 54), (42, 58)]), fill="#F5F5F5")


def _condor(c: Canvas) -> None:
    _condor_wing(c, 1)
    _condor_wing(c, -1)
    c.polygon([(45, 70), (55, 70), (59, 88), (41, 88)], fill="#212121", outline=INK, width=1.2)
    c.ellipse(50, 58, 10, 16, fill="#212121")
    c.ellipse(50, 44, 9, 4.5, fill="#FFFFFF", outline=INK, width=1)
    c.ellipse(50, 35, 6.5, 7, fill="#D7998A", outline=INK, width=1.2)
    c.ellipse(49, 28.5, 3.5, 2.5, fill="#8D3B2F")
    c.polygon([(55, 33), (63, 35), (62, 39), (56, 38)], fill="#EEDDBB", outline=INK, width=1)
    c.ellipse(52.5, 33.5, 1.3, fill=INK)


def _volcano(c: Canvas) -> None:
    for x, y, r, color in (
        (40, 20, 9, "#9E9E9E"),
        (54, 13, 10, "#BDBDBD"),
        (66, 21, 8, "#9E9E9E"),
        (52, 24, 8, "#BDBDBD"),
    ):
        c.ellipse(x, y, r, fill=color)
    for x, y, drop in ((44, 32, 2.2), (57, 30, 2.6), (50, 29, 1.8)):
        c.ellipse(x, y, drop, fill="#FF9800")
    c.polygon([(4, 96), (38, 38), (62, 38), (96, 96)], fill="#6D4C41", outline=INK, width=2)
    c.polygon([(52, 38), (62, 38), (96, 96), (74, 96)], fill="#5D4037")
    c.polygon(
        [
            (38, 38),
            (62, 38),
            (60, 46),
            (64, 58),
            (57, 54),
            (54, 66),
            (50, 52),
            (45, 60),
            (44, 47),
            (39, 44),
        ],
        fill="#F4511E",
        outline=INK,
        width=1.2,
    )
    c.ellipse(50, 38, 12, 3.5, fill="#FFB300", outline=INK, width=1.2)


def _hummingbird(c: Canvas) -> None:
    c.oval(66, 28, 7, 21, 30, fill="#B2DFDB", outline=INK, width=1.2)
    c.oval(58, 28, 7, 21, 10, fill="#66BB6A", outline=INK, width=1.5)
    c.polygon([(64, 60), (86, 84), (76, 86), (60, 66)], fill="#1B5E20", outline=INK, width=1.5)
    c.oval(54, 54, 19, 11, 35, fill="#43A047", outline=INK, width=1.5)
    c.oval(52, 59, 12, 5, 35, fill="#C5E1A5")
    c.line([(30, 40), (6, 33)], fill=INK, width=2.2)
    c.ellipse(38, 42, 10, fill="#2E7D32", outline=INK, width=1.5)
    c.ellipse(41, 49, 6, 3.5, fill="#E53935")
    c.ellipse(35, 40, 2.6, fill="#FFFFFF")
    c.ellipse(34.6, 40, 1.4, fill=INK)
    # A small flower the bird drinks from.
    c.line([(12, 60), (14, 96)], fill="#558B2F", width=2)
    for i in range(5):
        angle = math.radians(-90 + i * 72)
        c.ellipse(12 + 5 * math.cos(angle), 58 + 5 * math.sin(angle), 4, fill="#EC407A")
    c.ellipse(12, 58, 2.8, fill="#FFEB3B")


def _guitar(c: Canvas) -> None:
    def r(points: list[Point]) -> list[Point]:
        return rotated(points, 35, (50, 50))

    def rc(x: float, y: float) -> Point:
        return r([(x, y)])[0]

    c.polygon(
        r([(45.5, 6), (54.5, 6), (54.5, 50), (45.5, 50)]), fill="#5D4037", outline=INK, width=1.5
    )
    c.polygon(r([(43, -2), (57, -2), (56, 10), (44, 10)]), fill="#3E2723", outline=INK, width=1.5)
    for y in (1.0, 6.0):
        for x in (40.5, 59.5):
            px, py = rc(x, y)
            c.ellipse(px, py, 2, fill="#FFD54F")
    body = "#EF8A2B"
    for x, y, radius in ((50, 72, 20), (50, 48, 15)):
        px, py = rc(x, y)
        c.ellipse(px, py, radius + 1.5, fill=INK)
    c.polygon(r([(38, 50), (62, 50), (62, 70), (38, 70)]), fill=INK)
    for x, y, radius in ((50, 72, 20), (50, 48, 15)):
        px, py = rc(x, y)
        c.ellipse(px, py, radius, fill=body)
    c.polygon(r([(39, 50), (61, 50), (61, 70), (39, 70)]), fill=body)
    hx, hy = rc(50, 58)
    c.ellipse(hx, hy, 6.5, fill="#3E2723")
    c.polygon(r([(41, 76), (59, 76), (59, 80), (41, 80)]), fill="#3E2723")
    for x in (47.5, 50.0, 52.5):
        c.line(r([(x, 2), (x, 78)]), fill="#FFF8E1", width=0.7)


def _tortoise(c: Canvas) -> None:
    skin = "#9C9A86"
    for x0 in (24.0, 70.0):
        c.rect(x0, 58, x0 + 14, 79, fill=skin, outline=INK, width=1.5, radius=6)
        for toe in (3.5, 7.0, 10.5):
            c.ellipse(x0 + toe, 78, 1.6, fill="#ECEFF1")
    c.polygon([(88, 60), (97, 66), (87, 66)], fill=skin, outline=INK, width=1)
    c.line([(26, 60), (13, 42)], fill=INK, width=11)
    c.line([(26, 60), (13, 42)], fill=skin, width=8)
    c.ellipse(11, 38, 9, 7, fill=skin, outline=INK, width=1.5)
    c.ellipse(8, 36, 1.4, fill=INK)
    c.arc(6, 40, 3, 2, 20, 120, fill=INK, width=1)
    dome = arc_points(55, 64, 35, 38, 180, 360, 40)
    c.polygon(dome, fill="#6B8E23")
    with c.clip_polygon(dome):
        for row in range(5):
            for col in range(-1, 7):
                cx = 20 + col * 14 + (7 if row % 2 else 0)
                cy = 64 - row * 12
                hexagon = [
                    (cx + 5.8 * math.cos(math.radians(a)), cy + 5.8 * math.sin(math.radians(a)))
                    for a in range(30, 390, 60)
                ]
                c.polygon(hexagon, fill="#9CC14A", outline="#4B6318", width=1)
    c.line([*dome, dome[0]], fill=INK, width=2)
    c.rect(18, 60, 92, 66, fill="#556B2F", outline=INK, width=1.5, radius=3)


def _cacao(c: Canvas) -> None:
    c.oval(74, 22, 16, 7, -35, fill="#43A047", outline=INK, width=1.5)
    c.line([(62, 30), (84, 15)], fill="#2E7D32", width=1)
    center = (42.0, 48.0)

    def pod(points: list[Point]) -> list[Point]:
        return rotated([(center[0] + x, center[1] + y) for x, y in points], -30, center)

    right = quad_points((0, -38), (26, -28), (21, 0)) + quad_points((21, 0), (18, 30), (0, 40))[1:]
    outline = right + [(-x, y) for x, y in reversed(right)][1:-1]
    c.polygon(pod([(-3, -44), (3, -44), (2, -36), (-2, -36)]), fill="#5D4037")
    c.polygon(pod(outline), fill="#B8322F", outline=INK, width=2)
    for bend in (-11.0, 0.0, 11.0):
        c.line(pod(quad_points((0, -36), (bend * 1.6, 0), (0, 38))), fill="#7E1F1D", width=1.5)
    c.oval(pod([(10, -18)])[0][0], pod([(10, -18)])[0][1], 3, 8, -30, fill="#D85C52")
    for x, y, angle in ((70, 72, 20), (82, 82, -15), (64, 86, 60)):
        c.oval(x, y, 8, 5, angle, fill="#6D3B1F", outline=INK, width=1.2)
        c.line(rotated([(x - 5, y), (x + 5, y)], angle, (x, y)), fill="#A1673F", width=1)


def _wheel(c: Canvas, cx: float, cy: float) -> None:
    c.ellipse(cx, cy, 16, fill=None, outline="#263238", width=4.5)
    c.ellipse(cx, cy, 13, fill=None, outline="#B0BEC5", width=1)
    for angle in range(0, 180, 30):
        dx, dy = 13 * math.cos(math.radians(angle)), 13 * math.sin(math.radians(angle))
        c.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill="#90A4AE", width=0.8)
    c.ellipse(cx, cy, 2.5, fill="#455A64")


def _bike(c: Canvas) -> None:
    frame = "#00897B"
    rear, bracket, seat, head, front = (22, 66), (48, 66), (42, 42), (70, 44), (78, 66)
    _wheel(c, *rear)
    _wheel(c, *front)
    for a, b in ((rear, bracket), (rear, seat), (seat, bracket), (seat, head), (head, bracket)):
        c.line([a, b], fill=frame, width=4.5)
    c.line([(68, 36), head, front], fill="#00695C", width=4)
    c.line([(66, 34), (74, 33), (79, 36)], fill="#263238", width=3.5)
    c.line([seat, (40, 36)], fill="#546E7A", width=3)
    c.rect(33, 32, 47, 37, fill="#263238", radius=2.5)
    c.ellipse(*bracket, 4.5, fill="#FFB300", outline=INK, width=1)
    c.line([bracket, (53, 75)], fill="#263238", width=2.5)
    c.rect(50, 74, 58, 77, fill="#263238", radius=1)


def _sun(c: Canvas) -> None:
    for i in range(12):
        angle = i * 30
        tip = (50 + 45 * math.cos(math.radians(angle)), 50 + 45 * math.sin(math.radians(angle)))
        left = (
            50 + 27 * math.cos(math.radians(angle - 10)),
            50 + 27 * math.sin(math.radians(angle - 10)),
        )
        right = (
            50 + 27 * math.cos(math.radians(angle + 10)),
            50 + 27 * math.sin(math.radians(angle + 10)),
        )
        c.polygon([left, tip, right], fill="#FB8C00" if i % 2 else "#FFB300", outline=INK, width=1)
    c.ellipse(50, 50, 28, fill="#FDD835", outline=INK, width=2)
    c.ellipse(41, 46, 2.8, fill=INK)
    c.ellipse(59, 46, 2.8, fill=INK)
    c.ellipse(35, 55, 4.5, 3, fill="#FFAB91")
    c.ellipse(65, 55, 4.5, 3, fill="#FFAB91")
    c.arc(50, 52, 10, 8, 20, 160, fill=INK, width=2.5)


def _rose(c: Canvas) -> None:
    c.line([(50, 52), (50, 96)], fill="#2E7D32", width=4)
    c.oval(38, 74, 11, 5, -30, fill="#43A047", outline=INK, width=1.2)
    c.oval(62, 82, 11, 5, 30, fill="#43A047", outline=INK, width=1.2)
    c.polygon([(50, 66), (54, 63), (50, 62)], fill="#2E7D32")
    c.polygon([(50, 86), (46, 83), (50, 82)], fill="#2E7D32")
    c.oval(36, 38, 13, 18, -25, fill="#C62828", outline=INK, width=1.5)
    c.oval(64, 38, 13, 18, 25, fill="#C62828", outline=INK, width=1.5)
    c.ellipse(50, 36, 17, 19, fill="#E53935", outline=INK, width=1.5)
    c.chord(50, 42, 20, 16, 0, 180, fill="#D32F2F")
    c.line(arc_points(50, 42, 20, 16, 0, 180, 24), fill=INK, width=1.5)
    c.arc(50, 32, 9, 7, 180, 360, fill="#8E0000", width=2)
    c.arc(50, 33, 5, 4, 0, 200, fill="#8E0000", width=2)
    c.arc(52, 30, 12, 10, 300, 420, fill="#8E0000", width=2)
    c.oval(41, 52, 8, 4, -25, fill="#558B2F")
    c.oval(59, 52, 8, 4, 25, fill="#558B2F")


def _train(c: Canvas) -> None:
    c.rect(0, 86, 100, 90, fill="#8D6E63")
    for x in range(4, 100, 12):
        c.rect(x, 84, x + 6, 92, fill="#6D4C41")
    c.rect(30, 36, 56, 42, fill="#4A148C", radius=2)
    c.rect(10, 46, 40, 78, fill="#8E24AA", outline=INK, width=2, radius=3)
    c.rect(16, 52, 34, 64, fill="#FFE082", outline=INK, width=1.5, radius=2)
    c.rect(6, 40, 44, 47, fill="#FFCA28", outline=INK, width=1.5, radius=2)
    c.rect(38, 56, 86, 78, fill="#AB47BC", outline=INK, width=2, radius=4)
    c.rect(58, 42, 66, 56, fill="#4A148C", outline=INK, width=1.5)
    c.polygon([(55, 42), (69, 42), (66, 36), (58, 36)], fill="#4A148C", outline=INK, width=1.5)
    c.ellipse(64, 26, 6, 4.5, fill="#E0E0E0")
    c.ellipse(72, 18, 8, 5.5, fill="#EEEEEE")
    c.polygon([(86, 62), (96, 80), (86, 80)], fill="#E53935", outline=INK, width=1.5)
    c.ellipse(88, 62, 3, fill="#FFF176", outline=INK, width=1)
    for x, r in ((22, 9.0), (50, 7.0), (72, 7.0)):
        c.ellipse(x, 80, r, fill="#263238")
        c.ellipse(x, 80, r * 0.45, fill="#E53935")
    c.line([(22, 80), (72, 80)], fill="#B0BEC5", width=2)


SECURITY_ICONS: dict[str, IconSpec] = {
    "sec_mountain": IconSpec("#CFE8FF", _mountain),
    "sec_sea": IconSpec("#FFF8E1", _sea),
    "sec_condor": IconSpec("#FFE0B2", _condor),
    "sec_volcano": IconSpec("#FFF9C4", _volcano),
    "sec_hummingbird": IconSpec("#EDE7F6", _hummingbird),
    "sec_guitar": IconSpec("#FCE4EC", _guitar),
    "sec_tortoise": IconSpec("#F1F8E9", _tortoise),
    "sec_cacao": IconSpec("#EFEBE9", _cacao),
    "sec_bike": IconSpec("#E0F2F1", _bike),
    "sec_sun": IconSpec("#E1F5FE", _sun),
    "sec_rose": IconSpec("#FFFDE7", _rose),
    "sec_train": IconSpec("#E0F7FA", _train),
}
