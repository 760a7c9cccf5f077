"""Every variable the settings classes read is in .env.example and in the README's configuration
section, so a newcomer finds each one where the README says to look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bank.settings import Settings
from bot.shared_state.settings import SharedStateSettings
from bot.telegram.settings import BotSettings
from bot.tracker_retention import RETENTION_DAYS_VARIABLE, URL_VARIABLE
from desk.settings import DeskSettings

REPO = Path(__file__).resolve().parents[2]


def _variables() -> list[str]:
    names = {RETENTION_DAYS_VARIABLE, URL_VARIABLE}
    for settings in (Settings, BotSettings, SharedStateSettings, DeskSettings):
        for field in settings.model_fields.values():
            if isinstance(field.validation_alias, str):
                names.add(field.validation_alias)
    return sorted(names)


def _configuration_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("## Configuration\n", 1)[1].split("\n## ", 1)[0]


def test_the_settings_read_variables() -> None:
    assert {"DATABASE_URL", "ASSIST_WAIT_MINUTES", "TELEGRAM_BOT_TOKEN"} <= set(_variables())


@pytest.mark.parametrize("variable", _variables())
def test_every_variable_is_in_the_example_and_the_readme(variable: str) -> None:
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    assert re.search(rf"^# {variable}=", example, re.MULTILINE), f"{variable} not in .env.example"
    assert f"`{variable}`" in _configuration_section(), f"{variable} not in README's Configuration"
