"""The split of the Spanish files: domain/ (Rasa's, a training input) and channel/texts.yml (the
bot's own texts, not a training input). Each name lives in one file, and a channel text is one
that only the bot shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channel_text_names import ASSIST_PREFIX, CHANNEL_RESPONSES, LABEL_KINDS
from formats.domain_files import (
    CHANNEL_NOTICES_PATH,
    REPO,
    DuplicateDomainNameError,
    domain_files,
    load_channel_responses,
    load_domain,
)

CHANNEL_PREFIX = "utter_channel_"


def _rasa_sources() -> dict[Path, str]:
    """Everything Rasa or the action server reads: actions, rules, stories and the domain."""
    paths = [
        *(REPO / "actions").rglob("*.py"),
        *(REPO / "dialogues").glob("*.yml"),
        *(REPO / "tests" / "stories").glob("*.yml"),
        *domain_files(),
    ]
    return {path: path.read_text(encoding="utf-8") for path in paths}


def test_no_name_is_defined_in_two_domain_files() -> None:
    domain = load_domain()
    assert {"version", "session_config", "intents", "slots", "forms", "responses"} <= set(domain)


def test_a_name_repeated_across_domain_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("responses:\n  utter_x:\n    - text: uno\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("responses:\n  utter_x:\n    - text: dos\n", encoding="utf-8")
    with pytest.raises(DuplicateDomainNameError, match="utter_x"):
        load_domain(tmp_path)


def test_every_domain_file_may_state_the_same_format_version(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text('version: "3.1"\nintents:\n  - greet\n', encoding="utf-8")
    (tmp_path / "b.yml").write_text('version: "3.1"\nintents:\n  - deny\n', encoding="utf-8")
    assert load_domain(tmp_path)["intents"] == ["greet", "deny"]
    (tmp_path / "c.yml").write_text('version: "2.0"\n', encoding="utf-8")
    with pytest.raises(DuplicateDomainNameError, match="version"):
        load_domain(tmp_path)


def test_no_response_is_both_in_the_domain_and_in_the_channel_file() -> None:
    both = set(load_domain()["responses"]) & set(load_channel_responses())
    assert not both


def test_the_channel_file_holds_only_channel_texts() -> None:
    channel = load_channel_responses()
    assert channel
    assert all(name.startswith(CHANNEL_PREFIX) for name in channel)
    assert not [name for name in load_domain()["responses"] if name.startswith(CHANNEL_PREFIX)]


def test_no_action_rule_story_or_domain_file_names_a_channel_text() -> None:
    word = re.compile(r"\b" + CHANNEL_PREFIX + r"\w*")
    used = {
        f"{path.relative_to(REPO)}: {match}"
        for path, text in _rasa_sources().items()
        for match in word.findall(text)
    }
    assert not used, "these belong in domain/, not channel/texts.yml"


def test_every_channel_text_is_used_by_the_bot() -> None:
    label_prefixes = tuple(f"{ASSIST_PREFIX}{kind}_" for kind in LABEL_KINDS)
    unused = [
        name
        for name in load_channel_responses()
        if name not in CHANNEL_RESPONSES and not name.startswith(label_prefixes)
    ]
    assert not unused


def test_the_notices_are_channel_texts_not_domain_responses() -> None:
    notices = load_channel_responses(CHANNEL_NOTICES_PATH)
    assert notices
    assert all(name.startswith("utter_notice_") for name in notices)
    assert not [name for name in load_domain()["responses"] if name.startswith("utter_notice_")]
    assert not set(notices) & set(load_channel_responses())
