"""The desk's Spanish texts: channel/desk.yml, in the format of the channel's texts (a
`responses:` mapping, first variation's `text`), read through formats.domain_files.

The labels the agents also read in Telegram (a ticket's reason, a journey's name, a ticket's
state, who wrote a transcript line) are not repeated: they come from the bot's own
channel/texts.yml (`utter_channel_assist_reason_locked` is the desk's `reason_locked`), so both
desks say the same words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from formats.domain_files import CHANNEL_TEXTS_PATH, REPO, load_channel_responses

DESK_TEXTS_PATH: Final = REPO / "channel" / "desk.yml"
# channel/texts.yml prefix -> the desk's label kind (DeskTexts.label).
SHARED_LABELS: Final = {
    "utter_channel_assist_reason_": "reason_",
    "utter_channel_assist_journey_name_": "journey_",
    "utter_channel_assist_state_name_": "state_",
    "utter_channel_assist_role_": "role_",
}
_PLACEHOLDER: Final = re.compile(r"\{([a-z_]+)\}")


class MissingDeskTextError(LookupError):
    """channel/desk.yml has no text of that name."""


@dataclass(frozen=True)
class DeskTexts:
    """Text name -> Spanish text; `get` fills {placeholders} (HTML escaping is the templates').

    `facts` fill the placeholders of the numbers a text states (bank/facts.py: an unlock reason's
    length, the SMS codes per window) when the caller gives no value of that name, as the bot's
    channel texts do."""

    texts: Mapping[str, str]
    facts: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str, /, **values: object) -> str:
        """The text, with {name} placeholders replaced by `values`."""
        try:
            template = self.texts[name]
        except KeyError:
            raise MissingDeskTextError(name) from None
        filled = {**self.facts, **values}
        return _PLACEHOLDER.sub(
            lambda match: str(filled.get(match.group(1), match.group(0))), template
        )

    def label(self, kind: str, key: object) -> str:
        """A label (`<kind>_<key>`, e.g. reason_locked), else the key itself."""
        name = f"{kind}_{key}"
        return self.get(name) if name in self.texts else str(key)


def _first_texts(path: Path) -> dict[str, str]:
    """Every response of `path` by name, as its first variation's text (ValueError when one
    has no text)."""
    texts: dict[str, str] = {}
    for name, variations in load_channel_responses(path).items():
        first = variations[0] if isinstance(variations, list) and variations else {}
        text = first.get("text") if isinstance(first, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path.name}: {name} has no text")
        texts[str(name)] = text
    return texts


def shared_labels(path: Path = CHANNEL_TEXTS_PATH) -> dict[str, str]:
    """The labels the desk takes from the bot's channel texts, under the desk's names."""
    labels: dict[str, str] = {}
    for name, text in _first_texts(path).items():
        for prefix, kind in SHARED_LABELS.items():
            if name.startswith(prefix):
                labels[kind + name.removeprefix(prefix)] = text
    return labels


def load_desk_texts(
    path: Path = DESK_TEXTS_PATH,
    channel_path: Path = CHANNEL_TEXTS_PATH,
    *,
    facts: Mapping[str, str] | None = None,
) -> DeskTexts:
    """channel/desk.yml's texts and the labels shared with the bot, filled with the bank's
    `facts` (ValueError when a text is empty, or when desk.yml repeats a shared label)."""
    own = _first_texts(path)
    shared = shared_labels(channel_path)
    repeated = sorted(set(own) & set(shared))
    if repeated:
        raise ValueError(f"{path.name} repeats labels of {channel_path.name}: {repeated}")
    return DeskTexts({**shared, **own}, dict(facts or {}))
