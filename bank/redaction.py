"""A logging filter that masks secrets and tokens, as defence in depth (no code logs them)."""

from __future__ import annotations

import logging
import re

REDACTED = "[redactado]"

# What must never reach a log, even by mistake: Telegram bot tokens, TOTP provisioning URIs and
# their secrets, and key=value pairs whose key names a secret.
SECRET_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Not \b: in a URL the token follows "bot" ("/bot123:AA.../getMe").
    re.compile(r"(?<!\d)\d{8,10}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])"),
    re.compile(r"otpauth://\S+"),
    re.compile(
        r"(?i)\b(secret|password|contrasena|contraseña|clave|pin|otp|token|answer|respuesta)"
        r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|\S+)"
    ),
)


def redact(text: str) -> str:
    """Return `text` with every secret-looking part replaced."""
    for pattern in SECRET_PATTERNS:
        if pattern.groups >= 3:
            text = pattern.sub(lambda match: f"{match.group(1)}{match.group(2)}{REDACTED}", text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message with `redact` before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; never drop it."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text: an exception's message may quote a URL or a value.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of `logger` (default: the root logger), once."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(existing, RedactingFilter) for existing in handler.filters):
            handler.addFilter(RedactingFilter())
