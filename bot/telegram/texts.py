"""The channel's own Spanish texts, read from domain.yml so every sentence lives there.

The bot needs them even when Rasa cannot be reached (an apology), so it reads them itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

DOMAIN_PATH: Final = Path(__file__).resolve().parents[2] / "domain.yml"
CHANNEL_RESPONSES: Final = (
    "utter_channel_secret_deleted",
    "utter_channel_unavailable",
    "utter_channel_error",
    "utter_channel_text_only",
    "utter_channel_private_only",
    "utter_channel_stale_button",
    "utter_channel_choice_made",
    "utter_channel_pick_one",
    "utter_channel_pick_many",
    "utter_channel_pick_missing",
    "utter_channel_picked",
    "utter_channel_undo_button",
    "utter_channel_done_button",
    "utter_channel_qr_unavailable",
    "utter_channel_command_start",
    "utter_channel_command_help",
    "utter_channel_command_cancel",
)
NOTICE_PREFIX: Final = "utter_notice_"
_PLACEHOLDER: Final = re.compile(r"\{([a-z_]+)\}")


class MissingTextError(LookupError):
    """domain.yml lacks a response the channel needs."""


@dataclass(frozen=True)
class ChannelTexts:
    """Response name -> first text variation; `get` fills {placeholders}."""

    texts: Mapping[str, str]

    def get(self, name: str, **values: object) -> str:
        """The text of a response, with {name} placeholders replaced by `values`."""
        try:
            template = self.texts[name]
        except KeyError:
            raise MissingTextError(name) from None
        return _PLACEHOLDER.sub(
            lambda match: str(values.get(match.group(1), match.group(0))), template
        )


def load_channel_texts(domain_path: Path = DOMAIN_PATH) -> ChannelTexts:
    """Read the channel's responses from domain.yml (MissingTextError if one is missing)."""
    with domain_path.open(encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    responses = domain.get("responses", {}) if isinstance(domain, dict) else {}
    texts: dict[str, str] = {}
    notices = [name for name in responses if str(name).startswith(NOTICE_PREFIX)]
    for name in (*CHANNEL_RESPONSES, *notices):
        variations = responses.get(name)
        text = variations[0].get("text") if isinstance(variations, list) and variations else None
        if not isinstance(text, str) or not text.strip():
            raise MissingTextError(name)
        texts[name] = text
    return ChannelTexts(texts)
