"""QR codes as PNG (e.g. the otpauth URI of an authenticator app); the content is never logged."""

from __future__ import annotations

import io
from typing import Final

import segno

QUIET_ZONE: Final = 4
ERROR_CORRECTION: Final = "m"
TARGET_SIDE: Final = 480  # pixels; the result lands between about 400 and 600


def qr_scale(modules_with_border: int) -> int:
    """Pixels per module so the whole symbol is about TARGET_SIDE wide (at least 2)."""
    return max(2, round(TARGET_SIDE / modules_with_border))


def render_qr(content: str) -> bytes:
    """A black-on-white PNG QR code of content (ValueError when empty or too long)."""
    if not content:
        raise ValueError("a QR code needs content")
    try:
        code = segno.make(content, error=ERROR_CORRECTION, micro=False, boost_error=False)
    except segno.DataOverflowError as error:
        raise ValueError("content too long for a QR code") from error
    side, _ = code.symbol_size(scale=1, border=QUIET_ZONE)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="png",
        scale=qr_scale(int(side)),
        border=QUIET_ZONE,
        dark="#000000",
        light="#FFFFFF",
    )
    return buffer.getvalue()
