"""The image keyboard picture: layout, numbering, labels, selection, limits, determinism."""

from __future__ import annotations

import hashlib
import io
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from bank.registration.images import SECURITY_IMAGES
from bot.pictures import MAX_OPTIONS, KeyboardPicture, render_keyboard
from bot.rasa_messages import ImageOption

REPO = Path(__file__).resolve().parents[3]
SECURITY = [ImageOption(id=image_id, label=label) for image_id, label in SECURITY_IMAGES]


def options(count: int) -> list[ImageOption]:
    return [ImageOption(id=f"option_{n}", label=f"Opción {n}") for n in range(count)]


def decoded(picture: KeyboardPicture) -> Image.Image:
    image = Image.open(io.BytesIO(picture.png))
    assert image.format == "PNG"
    return image.convert("RGB")


def changed_box(
    first: Image.Image, second: Image.Image, threshold: int = 40
) -> tuple[int, int, int, int] | None:
    """Where the two pictures clearly differ (ignoring a shade moved by the palette)."""
    difference = ImageChops.difference(first, second).convert("L")
    return difference.point(lambda value: 255 if value > threshold else 0).getbbox()


def mean_difference(first: Image.Image, second: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / 3


@pytest.mark.parametrize(
    ("count", "columns", "rows"),
    [(1, 1, 1), (2, 2, 1), (9, 3, 3), (10, 4, 3), (12, 4, 3), (16, 4, 4), (17, 5, 4), (30, 5, 6)],
)
def test_grid_shape_follows_the_number_of_options(count: int, columns: int, rows: int) -> None:
    picture = render_keyboard(options(count), kind="security_image")
    assert (picture.columns, picture.rows) == (columns, rows)
    assert decoded(picture).size == (picture.width, picture.height)
    if count >= 3:
        assert 900 <= picture.width <= 1280


@pytest.mark.parametrize("count", [1, 5, 9, 12, 16, 23, 30])
def test_cells_are_numbered_in_order_inside_the_image_without_overlap(count: int) -> None:
    picture = render_keyboard(options(count), kind="security_image")
    assert [cell.number for cell in picture.cells] == list(range(1, count + 1))
    assert [cell.option_id for cell in picture.cells] == [option.id for option in options(count)]
    for cell in picture.cells:
        left, top, right, bottom = cell.box
        assert 0 <= left < right <= picture.width
        assert 0 <= top < bottom <= picture.height
    for first, second in itertools.combinations(picture.cells, 2):
        a, b = first.box, second.box
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    # Reading order: row by row, left to right.
    positions = [(cell.box[1], cell.box[0]) for cell in picture.cells]
    assert positions == sorted(positions)


def test_cells_are_big_enough_to_read_on_a_phone() -> None:
    picture = render_keyboard(options(MAX_OPTIONS), kind="security_image")
    for cell in picture.cells:
        assert cell.box[2] - cell.box[0] >= 200
        assert cell.box[3] - cell.box[1] >= 250


@pytest.mark.parametrize("count", [1, 2, 3, 9, 12, 16, 17, 30])
def test_picture_is_within_telegram_photo_limits(count: int) -> None:
    picture = render_keyboard(options(count), kind="security_image")
    assert picture.width + picture.height <= 10_000
    longer, shorter = max(picture.width, picture.height), min(picture.width, picture.height)
    assert longer / shorter <= 20
    assert len(picture.png) < 10 * 1024 * 1024


def test_security_keyboard_is_a_small_palette_png() -> None:
    picture = render_keyboard(SECURITY, kind="security_image")
    assert Image.open(io.BytesIO(picture.png)).mode == "P"
    assert len(picture.png) < 300_000


def test_label_is_drawn_under_the_icon_with_its_accents() -> None:
    def only(label: str) -> Image.Image:
        return decoded(render_keyboard([ImageOption("sec_mountain", label)], kind="k"))

    accented, plain, empty = only("Montaña"), only("Montana"), only("")
    cell = render_keyboard([ImageOption("sec_mountain", "")], kind="k").cells[0]
    label_changes = changed_box(plain, empty)
    accent_changes = changed_box(accented, plain)
    assert label_changes is not None and accent_changes is not None
    # The label sits in the lower part of the card, under the icon...
    icon_bottom = cell.box[1] + (cell.box[2] - cell.box[0])
    assert label_changes[1] >= icon_bottom - 20
    assert label_changes[3] <= cell.box[3]
    # ...and the tilde adds ink above the lower-case letters, within the label's width.
    assert label_changes[1] - 10 <= accent_changes[1] < label_changes[3]
    assert accent_changes[3] - accent_changes[1] < (label_changes[3] - label_changes[1]) / 2
    assert label_changes[0] <= accent_changes[0] and accent_changes[2] <= label_changes[2]


def test_two_line_label_uses_more_rows_of_pixels_than_a_short_one() -> None:
    def label_ink_rows(label: str) -> int:
        image = decoded(render_keyboard([ImageOption("sec_tortoise", label)], kind="k"))
        empty = decoded(render_keyboard([ImageOption("sec_tortoise", "")], kind="k"))
        box = changed_box(image, empty)
        assert box is not None
        return box[3] - box[1]

    one_line = label_ink_rows("Tortuga")
    assert one_line >= 28  # readable once Telegram scales the picture to a phone's width
    assert label_ink_rows("Tortuga de Galápagos") > 1.6 * one_line


def test_selection_marks_exactly_the_selected_cells() -> None:
    plain = render_keyboard(SECURITY, kind="security_image")
    marked = render_keyboard(SECURITY, kind="security_image", selected=["sec_sun", "sec_bike"])
    plain_image, marked_image = decoded(plain), decoded(marked)
    for cell in plain.cells:
        change = mean_difference(plain_image.crop(cell.box), marked_image.crop(cell.box))
        if cell.option_id in {"sec_sun", "sec_bike"}:
            assert change > 5, cell.option_id
        else:
            # Only the shared 256-colour palette may move a few pixels by a shade.
            assert change < 0.2, cell.option_id
    assert marked.cells == plain.cells


def test_selection_order_is_shown() -> None:
    first = render_keyboard(SECURITY, kind="security_image", selected=["sec_sun", "sec_bike"])
    second = render_keyboard(SECURITY, kind="security_image", selected=["sec_bike", "sec_sun"])
    first_image, second_image = decoded(first), decoded(second)
    for cell in first.cells:
        change = changed_box(first_image.crop(cell.box), second_image.crop(cell.box))
        if cell.option_id in {"sec_sun", "sec_bike"}:
            # The order badge sits in the top-right corner of the card.
            assert change is not None
            assert change[0] > (cell.box[2] - cell.box[0]) / 2
            assert change[3] < (cell.box[3] - cell.box[1]) / 3
        else:
            assert change is None


def test_a_picture_chosen_twice_shows_both_positions() -> None:
    once = render_keyboard(SECURITY, kind="mini_picture", selected=["sec_sun"])
    twice = render_keyboard(SECURITY, kind="mini_picture", selected=["sec_sun", "sec_sun"])
    assert once.png != twice.png


def test_cuenta_mini_keyboards_have_their_own_colours() -> None:
    bank = decoded(render_keyboard(SECURITY, kind="security_image"))
    mini = decoded(render_keyboard(SECURITY, kind="mini_avatar"))
    assert bank.getpixel((5, 5)) != mini.getpixel((5, 5))


@pytest.mark.parametrize(
    ("bad_options", "selected"),
    [
        ([], ()),
        (options(MAX_OPTIONS + 1), ()),
        ([ImageOption("same", "A"), ImageOption("same", "B")], ()),
        (options(3), ("option_9",)),
    ],
)
def test_bad_input_is_refused(bad_options: list[ImageOption], selected: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        render_keyboard(bad_options, kind="security_image", selected=selected)


def test_rendering_is_deterministic() -> None:
    first = render_keyboard(SECURITY, kind="security_image", selected=["sec_rose"])
    second = render_keyboard(SECURITY, kind="security_image", selected=["sec_rose"])
    assert first == second
    assert first.png == second.png


def test_rendering_is_the_same_in_another_process() -> None:
    script = (
        "import hashlib\n"
        "from bank.registration.images import SECURITY_IMAGES\n"
        "from bot.pictures import render_keyboard\n"
        "from bot.rasa_messages import ImageOption\n"
        "options = [ImageOption(i, label) for i, label in SECURITY_IMAGES]\n"
        "png = render_keyboard(options, kind='security_image', selected=['sec_rose']).png\n"
        "print(hashlib.sha256(png).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    here = render_keyboard(SECURITY, kind="security_image", selected=["sec_rose"]).png
    assert result.stdout.strip() == hashlib.sha256(here).hexdigest()
