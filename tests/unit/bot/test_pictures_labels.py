"""Labels: Spanish letters drawn with any font, wrapped, shrunk and cut to fit."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from bot.pictures import fonts, icons, render_keyboard
from bot.pictures.fonts import draw_text, has_glyphs, line_height, load_font, text_width
from bot.pictures.labels import ELLIPSIS, fit_label
from bot.rasa_messages import ImageOption

SPANISH_LABELS = ["Montaña", "Colibrí", "Volcán", "Tortuga de Galápagos", "Cóndor", "Árbol"]


def ink(font: ImageFont.FreeTypeFont, text: str) -> Image.Image:
    image = Image.new("L", (round(font.size * (len(text) + 2)), round(font.size * 2)), 0)
    draw_text(ImageDraw.Draw(image), (font.size / 2, font.size / 2), text, font, "#FFFFFF")
    return image


def fonts_to_check() -> list[ImageFont.FreeTypeFont]:
    builtin = ImageFont.load_default(size=40)
    assert isinstance(builtin, ImageFont.FreeTypeFont)
    return [load_font(40), load_font(40, condensed=True), builtin]


def test_a_system_font_with_spanish_letters_is_found_here() -> None:
    # On this machine fonts-dejavu is installed; without it the built-in font is used.
    font = load_font(40)
    assert has_glyphs(font, "áéíóúñÁÉÍÓÚÑüº")
    assert "DejaVu" in str(font.path)


def test_the_builtin_font_lacks_accents_so_they_are_drawn_by_hand() -> None:
    builtin = ImageFont.load_default(size=40)
    assert isinstance(builtin, ImageFont.FreeTypeFont)
    assert has_glyphs(builtin, "Montana")
    assert not has_glyphs(builtin, "ñ")


@pytest.mark.parametrize(("plain", "accented"), [("n", "ñ"), ("a", "á"), ("i", "í"), ("A", "Á")])
def test_accented_letter_is_its_base_letter_plus_a_mark_above(plain: str, accented: str) -> None:
    for font in fonts_to_check():
        base, marked = ink(font, plain), ink(font, accented)
        base_box, marked_box = base.getbbox(), marked.getbbox()
        assert base_box is not None and marked_box is not None
        # The accent adds ink above the letter (not a missing-glyph box in its place)...
        assert marked_box[1] < base_box[1], font.path
        # ...and the letter itself is still there, at the same place.
        lower = (0, base_box[1] + 2, base.width, base.height)
        base_ink = sum(base.crop(lower).histogram()[128:])
        marked_ink = sum(marked.crop(lower).histogram()[128:])
        assert abs(base_ink - marked_ink) < 0.25 * base_ink, font.path


@pytest.mark.parametrize("label", SPANISH_LABELS)
def test_spanish_labels_are_drawn_with_every_font(label: str) -> None:
    for font in fonts_to_check():
        plain = label.replace("ñ", "n").translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU"))
        assert ink(font, label).tobytes() != ink(font, plain).tobytes()
        assert text_width(font, label) == pytest.approx(text_width(font, plain), rel=0.15)


def test_line_height_leaves_room_for_accented_capitals() -> None:
    font = load_font(40, condensed=True)
    top = font.getbbox("Á")[1]
    assert top >= 0
    assert line_height(font) >= font.size


def test_short_label_keeps_the_largest_size_on_one_line() -> None:
    fitted = fit_label("Sol", 250, (40, 36, 30))
    assert fitted.lines == ("Sol",)
    assert fitted.font.size == 40


def test_long_label_wraps_on_two_lines() -> None:
    fitted = fit_label("Tortuga de Galápagos", 250, (40, 36, 30))
    assert fitted.lines == ("Tortuga de", "Galápagos")
    assert all(text_width(fitted.font, line) <= 250 for line in fitted.lines)


def test_label_shrinks_before_it_is_cut() -> None:
    width = text_width(load_font(30, condensed=True), "Galápagos") + 1
    fitted = fit_label("Galápagos", width, (40, 36, 30))
    assert fitted.lines == ("Galápagos",)
    assert fitted.font.size == 30


def test_label_that_never_fits_is_cut_with_an_ellipsis_at_the_smallest_size() -> None:
    fitted = fit_label("uno dos tres cuatro cinco seis siete ocho", 120, (40, 30))
    assert fitted.font.size == 30
    assert len(fitted.lines) == 2
    assert fitted.lines[-1].endswith(ELLIPSIS)
    assert all(text_width(fitted.font, line) <= 120 for line in fitted.lines)


def test_empty_label_has_no_lines() -> None:
    assert fit_label("   ", 200, (40, 30)).lines == ()


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As on a machine without DejaVu & co.: only Pillow's built-in font is left."""

    def forget_fonts() -> None:
        fonts.load_font.cache_clear()
        fonts._resolved_paths.cache_clear()
        icons._cached_icon.cache_clear()

    monkeypatch.setattr(fonts, "BOLD_FONT_FILES", ("NoSuchFont-Bold.ttf",))
    monkeypatch.setattr(fonts, "CONDENSED_FONT_FILES", ())
    forget_fonts()
    yield
    monkeypatch.undo()
    forget_fonts()


@pytest.mark.usefixtures("no_system_fonts")
def test_keyboard_renders_spanish_labels_with_the_builtin_font_only() -> None:
    assert load_font(40).getname()[0] == "Aileron"

    def render(label: str) -> Image.Image:
        picture = render_keyboard(
            [ImageOption("sec_mountain", label), ImageOption("unknown_id", "Ñandú")], kind="k"
        )
        return Image.open(io.BytesIO(picture.png)).convert("RGB")

    accented, plain = render("Montaña"), render("Montana")
    difference = ImageChops.difference(accented, plain).convert("L")
    tilde = difference.point(lambda value: 255 if value > 40 else 0).getbbox()
    assert tilde is not None
    assert tilde[3] - tilde[1] < 20  # a small mark, not a different word
