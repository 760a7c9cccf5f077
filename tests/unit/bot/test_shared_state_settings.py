"""BOT_SHARED_STATE_URL and the ordering settings, read from the environment."""

from __future__ import annotations

import pytest

from bot.settings_error import BotSettingsError
from bot.shared_state.settings import load_shared_settings


def test_without_a_url_each_instance_orders_in_its_own_memory() -> None:
    settings = load_shared_settings({})
    assert (settings.shared, settings.redis_url, settings.key_prefix) == (False, None, "bot")
    assert settings.webhook_max_connections is None


def test_every_setting_is_read() -> None:
    settings = load_shared_settings(
        {
            "BOT_SHARED_STATE_URL": "redis://127.0.0.1:6379/2",
            "BOT_STATE_KEY_PREFIX": "produbanco",
            "BOT_ORDER_LEASE_SECONDS": "4.5",
            "BOT_ORDER_GAP_WAIT_SECONDS": "0",
            "WEBHOOK_MAX_CONNECTIONS": "1",
        }
    )
    assert settings.shared
    assert (settings.key_prefix, settings.lease_seconds, settings.gap_wait_seconds) == (
        "produbanco",
        4.5,
        0.0,
    )
    assert settings.webhook_max_connections == 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BOT_SHARED_STATE_URL", "http://user:hunter2@host/0", "BOT_SHARED_STATE_URL"),
        ("BOT_STATE_KEY_PREFIX", "a b", "BOT_STATE_KEY_PREFIX"),
        ("BOT_ORDER_LEASE_SECONDS", "0", "must be positive"),
        ("BOT_ORDER_GAP_WAIT_SECONDS", "-1", "must be positive"),
        ("BOT_ORDER_LEASE_SECONDS", "soon", "number of seconds"),
        ("WEBHOOK_MAX_CONNECTIONS", "101", "1 to 100"),
        ("WEBHOOK_MAX_CONNECTIONS", "0", "1 to 100"),
    ],
)
def test_bad_values_are_refused_without_echoing_them(name: str, value: str, message: str) -> None:
    with pytest.raises(BotSettingsError, match=message) as refused:
        load_shared_settings({name: value})
    assert "hunter2" not in str(refused.value)
