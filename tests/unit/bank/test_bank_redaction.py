"""The log filter masks secrets and tokens whatever logger they come through."""

from __future__ import annotations

import io
import logging

from bank.redaction import REDACTED, RedactingFilter, install_redaction, redact

BOT_TOKEN = "123456789:" + "A" * 20 + "b" * 15
URI = "otpauth://totp/Produbanco:mjandrade2024?secret=JBSWY3DPEHPK3PXP&issuer=Produbanco"


def test_redact_masks_tokens_uris_and_secret_pairs() -> None:
    text = f"token {BOT_TOKEN} uri {URI} password=Centinela7 clave: 1234 pin='4321' listo"
    cleaned = redact(text)
    for secret in (BOT_TOKEN, "JBSWY3DPEHPK3PXP", "Centinela7", "1234", "4321"):
        assert secret not in cleaned
    assert cleaned.count(REDACTED) == 5
    assert cleaned.endswith("listo")


def test_ordinary_text_is_untouched() -> None:
    text = "registration 42: pin (wrong_credentials) on port 5005 at 2026-11-23"
    assert redact(text) == text


def test_installed_filter_masks_formatted_arguments() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test.redaction")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        install_redaction(logger)
        install_redaction(logger)
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
        logger.warning("provisioning %s with secret=%s", URI, "JBSWY3DPEHPK3PXP")
    finally:
        logger.removeHandler(handler)
    assert "JBSWY3DPEHPK3PXP" not in stream.getvalue()
    assert "provisioning" in stream.getvalue()


def test_the_filter_masks_exception_text_too() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test.redaction.exceptions")
    logger.addHandler(handler)
    try:
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{BOT_TOKEN}/getMe")
        except ConnectionError:
            logger.exception("polling failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "polling failed" in output and "ConnectionError" in output
    assert BOT_TOKEN not in output and REDACTED in output
