"""A single picture (an avatar on its own): a square card, the children's colours for Cuenta Mini
ids, the same bytes every time, and a cache key per id."""

from __future__ import annotations

import io

from PIL import Image

from bot.pictures import picture_cache_key, render_picture
from bot.pictures.card import CARD_SIZE, picture_kind
from bot.pictures.grid import BANK_THEME, KIDS_THEME


def corner_colour(png: bytes) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (CARD_SIZE, CARD_SIZE)
    red, green, blue = image.getpixel((2, 2))  # type: ignore[misc]
    return (red, green, blue)


def hex_colour(value: str) -> tuple[int, int, int]:
    return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


def test_avatars_and_password_pictures_get_the_childrens_theme() -> None:
    assert picture_kind("avatar_fox") == picture_kind("pic_apple") == "mini"
    assert picture_kind("sec_condor") != "mini"
    assert corner_colour(render_picture("avatar_fox")) == hex_colour(KIDS_THEME.background)
    assert corner_colour(render_picture("sec_condor")) == hex_colour(BANK_THEME.background)


def test_a_picture_is_deterministic_and_distinct_per_id() -> None:
    assert render_picture("avatar_owl") == render_picture("avatar_owl")
    assert render_picture("avatar_owl") != render_picture("avatar_fox")
    unknown = render_picture("avatar_unheard_of")  # a coloured tile, not an error
    assert unknown.startswith(b"\x89PNG")


def test_picture_cache_keys_are_stable_and_differ_from_keyboards() -> None:
    assert picture_cache_key("avatar_fox") == picture_cache_key("avatar_fox")
    assert picture_cache_key("avatar_fox") != picture_cache_key("avatar_owl")
    assert len(picture_cache_key("avatar_fox")) == 32
