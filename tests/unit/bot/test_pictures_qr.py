"""QR codes: a white PNG of the right size whose modules are exactly segno's matrix."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image

from bot.pictures import render_qr
from bot.pictures.qr import ERROR_CORRECTION, QUIET_ZONE

OTPAUTH = (
    "otpauth://totp/Produbanco:ana.perez?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    "&issuer=Produbanco&algorithm=SHA1&digits=6&period=30"
)


@pytest.mark.parametrize("content", ["hola", "https://www.produbanco.com.ec", OTPAUTH])
def test_qr_png_has_a_phone_friendly_size_and_white_background(content: str) -> None:
    image = Image.open(io.BytesIO(render_qr(content)))
    assert image.format == "PNG"
    assert image.width == image.height
    assert 400 <= image.width <= 600
    rgb = image.convert("RGB")
    assert rgb.getpixel((0, 0)) == (255, 255, 255)
    assert rgb.getpixel((image.width - 1, image.height - 1)) == (255, 255, 255)


@pytest.mark.parametrize("content", ["hola", OTPAUTH])
def test_every_module_matches_the_qr_matrix(content: str) -> None:
    image = Image.open(io.BytesIO(render_qr(content))).convert("L")
    code = segno.make(content, error=ERROR_CORRECTION, micro=False, boost_error=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]
    scale = image.width // len(rows)
    assert scale * len(rows) == image.width
    assert code.error == "M"
    for row_index, row in enumerate(rows):
        for column_index, dark in enumerate(row):
            center = (column_index * scale + scale // 2, row_index * scale + scale // 2)
            assert image.getpixel(center) == (0 if dark else 255), center
    # The quiet zone is four white modules wide.
    assert all(not dark for row in rows[:QUIET_ZONE] for dark in row)
    assert all(not any(row[:QUIET_ZONE]) for row in rows)


def test_empty_content_is_refused() -> None:
    with pytest.raises(ValueError):
        render_qr("")


def test_content_too_long_for_a_qr_code_is_refused() -> None:
    with pytest.raises(ValueError):
        render_qr("x" * 5000)
