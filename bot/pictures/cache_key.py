"""A stable key for a rendered keyboard, under which the channel caches Telegram's file_id."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Final

from bot.rasa_messages import ImageOption

# Bump when the drawing changes, so cached uploads of the old look are not reused.
RENDERER_VERSION: Final = "1"
CACHE_KEY_LENGTH: Final = 32


def keyboard_cache_key(
    kind: str, options: Sequence[ImageOption], selected: Sequence[str] = ()
) -> str:
    """Hex digest of everything that changes the picture; the same in every process."""
    canonical = json.dumps(
        [
            RENDERER_VERSION,
            kind,
            [[option.id, option.label] for option in options],
            list(selected),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:CACHE_KEY_LENGTH]


def content_cache_key(kind: str, data: bytes) -> str:
    """Hex digest of a file's bytes and how it is sent (an animation, a voice note): a changed
    file never reuses the upload of the old one."""
    digest = hashlib.sha256(kind.encode("utf-8") + b"\x00" + data).hexdigest()
    return digest[:CACHE_KEY_LENGTH]
