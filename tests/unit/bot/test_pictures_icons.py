"""The drawn icons: every known id draws, is colourful, and looks different from the others."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image, ImageChops, ImageStat

from bank.registration.images import SECURITY_IMAGE_IDS
from bot.pictures import KNOWN_ICON_IDS, draw_icon
from bot.pictures.icons import fallback_color

AVATAR_IDS = {
    "avatar_cat",
    "avatar_dog",
    "avatar_bear",
    "avatar_rabbit",
    "avatar_fox",
    "avatar_owl",
    "avatar_panda",
    "avatar_lion",
}
PICTURE_IDS = {
    "pic_apple",
    "pic_banana",
    "pic_ball",
    "pic_star",
    "pic_heart",
    "pic_house",
    "pic_tree",
    "pic_fish",
    "pic_car",
    "pic_boat",
    "pic_moon",
    "pic_flower",
    "pic_umbrella",
    "pic_icecream",
    "pic_kite",
    "pic_balloon",
}


def on_white(icon: Image.Image) -> Image.Image:
    background = Image.new("RGB", icon.size, "#FFFFFF")
    background.paste(icon, (0, 0), icon)
    return background


def main_colors(image: Image.Image, share: float) -> int:
    """How many colours each cover at least this share of the pixels."""
    colors = image.getcolors(maxcolors=image.width * image.height) or []
    return sum(1 for count, _ in colors if count >= share * image.width * image.height)


def test_every_required_id_has_a_drawn_icon() -> None:
    assert SECURITY_IMAGE_IDS <= KNOWN_ICON_IDS
    assert AVATAR_IDS <= KNOWN_ICON_IDS
    assert PICTURE_IDS <= KNOWN_ICON_IDS


@pytest.mark.parametrize("option_id", sorted(KNOWN_ICON_IDS))
def test_known_icon_is_a_colourful_rounded_tile(option_id: str) -> None:
    icon = draw_icon(option_id, 120)
    assert icon.size == (120, 120)
    assert icon.mode == "RGBA"
    alpha = icon.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0  # rounded corner
    assert alpha.getpixel((60, 60)) == 255
    inner = on_white(icon).crop((10, 10, 110, 110))  # inside the rounded corners
    # A background and at least two drawn colours, each a visible part of the picture...
    assert main_colors(inner, share=0.005) >= 3
    # ...and the drawing covers a good part of the tile.
    colors = sorted(inner.getcolors(maxcolors=10_000) or [], reverse=True)
    background_share = colors[0][0] / (inner.width * inner.height)
    assert background_share < 0.9


@pytest.mark.parametrize("size", [16, 57, 300])
def test_icons_draw_at_the_requested_size(size: int) -> None:
    assert draw_icon("sec_condor", size).size == (size, size)
    assert draw_icon("not_drawn_yet", size).size == (size, size)


@pytest.mark.parametrize("size", [0, 15, 1025])
def test_sizes_out_of_range_are_refused(size: int) -> None:
    with pytest.raises(ValueError):
        draw_icon("sec_sun", size)


def test_icons_differ_from_each_other() -> None:
    icons = {option_id: on_white(draw_icon(option_id, 64)) for option_id in KNOWN_ICON_IDS}
    for first, second in itertools.combinations(sorted(icons), 2):
        difference = ImageStat.Stat(ImageChops.difference(icons[first], icons[second])).mean
        assert sum(difference) / 3 > 15, (first, second)


def test_the_same_icon_is_drawn_the_same_way_and_callers_get_a_copy() -> None:
    first = draw_icon("pic_kite", 80)
    first.paste((0, 0, 0, 255), (0, 0, 80, 80))
    assert draw_icon("pic_kite", 80).tobytes() != first.tobytes()
    assert draw_icon("pic_kite", 80).tobytes() == draw_icon("pic_kite", 80).tobytes()


def test_unknown_id_gets_a_tile_in_its_own_stable_colour_with_its_initial() -> None:
    tile = on_white(draw_icon("zebra_crossing", 100))
    color = fallback_color("zebra_crossing")
    rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    assert tile.getpixel((20, 20)) == rgb
    assert main_colors(tile, share=0.05) >= 2  # the tile and its white letter
    assert (255, 255, 255) in {pixel for _, pixel in tile.getcolors(10_000) or []}
    # sha256-based, so the same in every process (hash() would change per process).
    assert color == fallback_color("zebra_crossing") == "#BD4F28"
    assert fallback_color("zebra") != color


def test_unknown_ids_with_different_initials_draw_different_letters() -> None:
    first, second = draw_icon("alpha", 100), draw_icon("omega", 100)
    first_letter = first.getchannel("R").point(lambda value: 255 if value > 250 else 0)
    second_letter = second.getchannel("R").point(lambda value: 255 if value > 250 else 0)
    assert first_letter.tobytes() != second_letter.tobytes()
