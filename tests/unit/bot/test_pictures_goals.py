"""Savings goals: the 8 goal pictures, exact money (Decimal, the decimal comma) and the progress
card (percent, bar, badge, truncated names, a cache key that follows the figures)."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

import pytest
from PIL import Image, ImageChops, ImageStat

from bank.mini.pictures import GOAL_PICTURE_IDS as BANK_GOAL_PICTURE_IDS
from bank.mini.pictures import GOAL_PICTURES
from bot.money import format_dollars, parse_amount, percent_of
from bot.pictures import KNOWN_ICON_IDS, draw_icon, goal_progress_cache_key, render_goal_progress
from bot.pictures.card import picture_kind
from bot.pictures.fonts import load_font, text_width
from bot.pictures.goal_card import (
    BAR_FILL,
    BAR_FILL_REACHED,
    GOAL_CARD_HEIGHT,
    GOAL_CARD_WIDTH,
    TEXT_LEFT,
    amounts_text,
    truncate_to_width,
)
from bot.pictures.goal_icons import GOAL_ICONS
from bot.rasa_messages import GOAL_PICTURE_IDS, GoalProgress

LONG_NAME = "Una bicicleta roja con canasta, timbre y luces para ir al parque con mis primos"


def goal(saved: str, target: str = "80.00", name: str = "Bicicleta roja") -> GoalProgress:
    return GoalProgress("goal_bike", name, Decimal(saved), Decimal(target))


def card(progress: GoalProgress) -> Image.Image:
    png = render_goal_progress(progress)
    assert png.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png)).convert("RGB")


def near(pixel: tuple[int, int, int], colour: str, tolerance: int = 24) -> bool:
    rgb = (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True))


def pixels_like(image: Image.Image, colour: str) -> int:
    """Pixels of the text column (right of the icon) close to a colour."""
    column = image.crop((TEXT_LEFT, 0, image.width, image.height))
    counts = column.getcolors(maxcolors=column.width * column.height) or []
    return sum(count for count, pixel in counts if near(pixel, colour))


def test_the_goal_pictures_are_the_banks_and_all_are_drawn() -> None:
    assert set(GOAL_ICONS) == GOAL_PICTURE_IDS == BANK_GOAL_PICTURE_IDS
    assert GOAL_PICTURE_IDS <= KNOWN_ICON_IDS
    assert len(GOAL_PICTURES) == 8
    assert all(picture_kind(goal_id) == "mini" for goal_id in GOAL_PICTURE_IDS)


def test_each_goal_picture_draws_and_differs_from_the_others() -> None:
    icons = {}
    for goal_id in sorted(GOAL_PICTURE_IDS):
        icon = draw_icon(goal_id, 96)
        assert icon.size == (96, 96) and icon.mode == "RGBA"
        flat = Image.new("RGB", icon.size, "#FFFFFF")
        flat.paste(icon, (0, 0), icon)
        # Not a fallback tile: several colours, each a visible part of the picture.
        colours = flat.getcolors(maxcolors=96 * 96) or []
        assert sum(1 for count, _ in colours if count > 0.01 * 96 * 96) >= 4, goal_id
        icons[goal_id] = flat
    for first, second in itertools.combinations(sorted(icons), 2):
        difference = ImageStat.Stat(ImageChops.difference(icons[first], icons[second])).mean
        assert sum(difference) / 3 > 15, (first, second)


@pytest.mark.parametrize(
    ("saved", "target", "percent", "reached"),
    [
        ("0.00", "80.00", 0, False),
        ("0.79", "80.00", 0, False),  # under 1 %: rounded down
        ("12.50", "80.00", 15, False),  # 15.625
        ("79.99", "80.00", 99, False),  # never shown as done before it is
        ("80.00", "80.00", 100, True),
        ("120.00", "80.00", 100, True),  # over the target: still 100
        ("0.29", "1.00", 29, False),  # a float would say 28 (0.29 * 100 = 28.999...)
        ("0.57", "1.00", 57, False),  # and 56 here
    ],
)
def test_percent_is_exact_rounded_down_and_capped(
    saved: str, target: str, percent: int, reached: bool
) -> None:
    progress = goal(saved, target)
    assert progress.percent == percent
    assert progress.reached is reached
    assert percent_of(Decimal(saved), Decimal(target)) == percent


def test_a_target_of_zero_has_no_percent() -> None:
    with pytest.raises(ValueError):
        percent_of(Decimal("1.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0.00", "$0,00"),
        ("0.05", "$0,05"),
        ("12.50", "$12,50"),
        ("999.99", "$999,99"),
        ("1000.00", "$1.000,00"),
        ("1234567.89", "$1.234.567,89"),
    ],
)
def test_dollars_are_written_with_a_decimal_comma(amount: str, written: str) -> None:
    assert format_dollars(Decimal(amount)) == written


def test_amounts_must_be_strings_with_two_decimals() -> None:
    assert parse_amount("12.50") == Decimal("12.50")
    assert parse_amount("0.00") == Decimal(0)
    for bad in ("12.5", "12", "12.505", "-1.00", "+1.00", "1e2", "012.00", " 1.00", "1,50", ""):
        assert parse_amount(bad) is None, bad
    for not_text in (12.5, 12, None, Decimal("12.50")):
        assert parse_amount(not_text) is None


def test_the_card_shows_the_amounts_the_ecuadorian_way() -> None:
    assert amounts_text(goal("12.50")) == "$12,50 de $80,00"
    assert amounts_text(goal("1500.00", "1250.00")) == "$1.500,00 de $1.250,00"


def test_the_card_is_a_640_by_320_png_in_the_childrens_colours() -> None:
    image = card(goal("12.50"))
    assert image.size == (GOAL_CARD_WIDTH, GOAL_CARD_HEIGHT) == (640, 320)
    assert near(image.getpixel((2, 2)), "#FFF4DE", tolerance=4)  # type: ignore[arg-type]


def test_the_bar_fills_with_the_percent_and_turns_gold_when_reached() -> None:
    empty, partial, most = card(goal("0.00")), card(goal("12.50")), card(goal("60.00"))
    exact, over = card(goal("80.00")), card(goal("200.00"))
    assert pixels_like(empty, BAR_FILL) == 0
    assert 0 < pixels_like(partial, BAR_FILL) < pixels_like(most, BAR_FILL)
    assert pixels_like(partial, BAR_FILL_REACHED) == 0
    assert pixels_like(exact, BAR_FILL) == 0
    assert pixels_like(exact, BAR_FILL_REACHED) > pixels_like(most, BAR_FILL)
    # Over the target the bar is simply full: the same picture as exactly reached, but the
    # amounts differ.
    assert pixels_like(over, BAR_FILL_REACHED) == pixels_like(exact, BAR_FILL_REACHED)


def test_a_reached_goal_gets_the_badge() -> None:
    badge = "#E91E63"
    assert pixels_like(card(goal("79.99")), badge) == 0
    assert pixels_like(card(goal("80.00")), badge) > 2000


def test_a_long_name_is_cut_with_an_ellipsis_to_fit() -> None:
    font = load_font(28)
    cut = truncate_to_width(font, LONG_NAME, 300)
    assert cut.endswith("…") and len(cut) < len(LONG_NAME)
    assert LONG_NAME.startswith(cut[:-1])
    assert text_width(font, cut) <= 300
    assert truncate_to_width(font, "Pelota", 300) == "Pelota"
    # Drawn without error, and unlike the card of another name.
    long_card = render_goal_progress(goal("12.50", name=LONG_NAME))
    assert long_card != render_goal_progress(goal("12.50", name="Bici"))


def test_the_same_goal_draws_the_same_bytes() -> None:
    assert render_goal_progress(goal("12.50")) == render_goal_progress(goal("12.50"))


def test_the_cache_key_follows_every_figure() -> None:
    base = goal("12.50")
    keys = {
        goal_progress_cache_key(base),
        goal_progress_cache_key(goal("12.51")),
        goal_progress_cache_key(goal("12.50", "80.01")),
        goal_progress_cache_key(goal("12.50", name="Bicicleta azul")),
        goal_progress_cache_key(GoalProgress("goal_ball", base.name, base.saved, base.target)),
    }
    assert len(keys) == 5
    assert goal_progress_cache_key(goal("12.50")) == goal_progress_cache_key(base)
    assert len(goal_progress_cache_key(base)) == 32
