"""Read the assistant's Spanish files: the Rasa domain (domain/*.yml) and the channel's texts.

Rasa merges every YAML file of `domain/` into one domain; `load_domain` does the same for what
the bot and the tests read. `channel/texts.yml` holds the texts only the Telegram channel shows
(`utter_channel_*`): it is not a training input, so editing one does not retrain the model.
Pure: yaml only, no bank or chat imports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

REPO: Final = Path(__file__).resolve().parents[1]
DOMAIN_DIR: Final = REPO / "domain"
CHANNEL_TEXTS_PATH: Final = REPO / "channel" / "texts.yml"
CHANNEL_NOTICES_PATH: Final = REPO / "channel" / "notices.yml"

# Sections whose entries are merged by name (a name defined in two files is an error).
_MAPPING_SECTIONS: Final = ("responses", "slots", "forms")
# Sections that are lists of names (or of one-key mappings), joined in file order.
_LIST_SECTIONS: Final = ("intents", "entities", "actions")


class DuplicateDomainNameError(ValueError):
    """The same intent, entity, slot, form, action or response is defined in two files."""


def domain_files(directory: Path = DOMAIN_DIR) -> list[Path]:
    """The domain's YAML files, sorted by name."""
    return sorted(
        path for path in directory.iterdir() if path.suffix in (".yml", ".yaml") and path.is_file()
    )


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """One YAML file's top-level mapping (empty when the file holds none)."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def load_domain(directory: Path = DOMAIN_DIR) -> dict[str, Any]:
    """The merged domain of every file in `directory` (DuplicateDomainNameError on a repeat)."""
    merged: dict[str, Any] = {}
    defined_in: dict[tuple[str, str], Path] = {}
    for path in domain_files(directory):
        for section, value in read_yaml_mapping(path).items():
            if section in _MAPPING_SECTIONS:
                names = list((value or {}).keys())
                merged.setdefault(section, {}).update(value or {})
            elif section in _LIST_SECTIONS:
                names = [_list_entry_name(entry) for entry in value or []]
                merged.setdefault(section, []).extend(value or [])
            elif section == "version":
                # Every file may state the format version; they must agree.
                if merged.setdefault(section, value) != value:
                    raise DuplicateDomainNameError(f"version {value!r} in {path.name} differs")
                names = []
            else:
                names = [""]
                merged[section] = value
            for name in names:
                first = defined_in.setdefault((section, name), path)
                if first != path:
                    where = f"{first.name} and {path.name}"
                    raise DuplicateDomainNameError(f"{section} {name!r} in {where}")
    return merged


def load_channel_responses(path: Path = CHANNEL_TEXTS_PATH) -> dict[str, Any]:
    """The channel's responses (`responses:` of channel/texts.yml, or of `path`), by name."""
    responses = read_yaml_mapping(path).get("responses")
    return dict(responses) if isinstance(responses, dict) else {}


def _list_entry_name(entry: object) -> str:
    """The name of a list entry: the string itself, or the key of a one-key mapping."""
    if isinstance(entry, dict):
        return str(next(iter(entry)))
    return str(entry)
