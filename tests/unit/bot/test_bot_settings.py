"""The bot settings: variable names, blank values, and refusals that quote no value."""

from __future__ import annotations

import pytest

from bot.settings_error import BotSettingsError
from bot.telegram.settings import load_bot_settings

TOKEN = "123456789:" + "A" * 35


def test_blank_variables_take_the_defaults_and_modes_ignore_case() -> None:
    settings = load_bot_settings(
        {
            "BOT_MODE": " Webhook ",
            "WEBHOOK_URL": "https://bot.example.com/telegram/webhook",
            "WEBHOOK_PORT": "8443.0",
            "RASA_URL": "   ",
            "ACTION_SERVER_URL": "",
            "rasa_timeout_seconds": "1",  # not the variable's name
        }
    )
    assert settings.mode == "webhook" and settings.webhook_port == 8443
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.action_server_url is None
    assert settings.rasa_timeout_seconds == 30.0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ASSIST_TYPING_SECONDS": "9"}, "ASSIST_TYPING_SECONDS must be 0 to 5"),
        ({"RASA_MAX_WAITING": "muchos"}, "RASA_MAX_WAITING must be a number"),
        ({"WEBHOOK_PORT": "0"}, "WEBHOOK_PORT must be positive"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN[:-31]}, "TELEGRAM_BOT_TOKEN does not look like a bot token"),
    ],
)
def test_a_refused_value_names_its_variable_and_is_not_chained(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(BotSettingsError, match=message) as refused:
        load_bot_settings(env)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    for value in env.values():
        assert value not in str(refused.value)
