"""The desk's Spanish texts: channel/desk.yml, in the format of the channel's texts (a
`responses:` mapping, first variation's `text`), read through formats.domain_files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from formats.domain_files import REPO, load_channel_responses

DESK_TEXTS_PATH: Final = REPO / "channel" / "desk.yml"
_PLACEHOLDER: Final = re.compile(r"\{([a-z_]+)\}")


class MissingDeskTextError(LookupError):
    """channel/desk.yml has no text of that name."""


@dataclass(frozen=True)
class DeskTexts:
    """Text name -> Spanish text; `get` fills {placeholders} (HTML escaping is the templates')."""

    texts: Mapping[str, str]

    def get(self, name: str, /, **values: object) -> str:
        """The text, with {name} placeholders replaced by `values`."""
        try:
            template = self.texts[name]
        except KeyError:
            raise MissingDeskTextError(name) from None
        return _PLACEHOLDER.sub(
            lambda match: str(values.get(match.group(1), match.group(0))), template
        )

    def label(self, kind: str, key: object) -> str:
        """A label (`<kind>_<key>`, e.g. reason_locked), else the key itself."""
        name = f"{kind}_{key}"
        return self.get(name) if name in self.texts else str(key)


def load_desk_texts(path: Path = DESK_TEXTS_PATH) -> DeskTexts:
    """Read every text of channel/desk.yml (ValueError when one has no text)."""
    texts: dict[str, str] = {}
    for name, variations in load_channel_responses(path).items():
        first = variations[0] if isinstance(variations, list) and variations else {}
        text = first.get("text") if isinstance(first, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path.name}: {name} has no text")
        texts[str(name)] = text
    return DeskTexts(texts)
