"""Settings of the Redis-shared state, read from the environment by `load_shared_settings()`.

BOT_SHARED_STATE_URL       redis://host:port/db; unset: each instance orders its updates in
                           its own memory (one instance, `make run` needs no Redis).
BOT_STATE_KEY_PREFIX       prefix of every key (default "bot"); the bot id is appended.
BOT_ORDER_LEASE_SECONDS    how long a chat's lock outlives a dead instance (default 10); a live
                           instance renews it every third of that while it works on the chat.
BOT_ORDER_GAP_WAIT_SECONDS how long an update waits for missing earlier update ids (default 0.5).
WEBHOOK_MAX_CONNECTIONS    the max_connections given to setWebhook (Telegram's default 40 when
                           unset); 1 makes Telegram deliver one update at a time, in order.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import ClassVar, Final

from pydantic import Field, ValidationInfo, field_validator

from bot.settings_error import BotSettingsError
from formats.environment import EnvironmentSettings

DEFAULT_LEASE_SECONDS: Final = 10.0
DEFAULT_GAP_WAIT_SECONDS: Final = 0.5
MAX_WEBHOOK_CONNECTIONS: Final = 100
_PREFIX_SHAPE: Final = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class SharedStateSettings(EnvironmentSettings):
    """Where the shared state lives and how chats are ordered across instances."""

    settings_error: ClassVar[type[ValueError]] = BotSettingsError

    redis_url: str | None = Field(default=None, validation_alias="BOT_SHARED_STATE_URL", repr=False)
    key_prefix: str = Field(default="bot", validation_alias="BOT_STATE_KEY_PREFIX")
    lease_seconds: float = Field(
        default=DEFAULT_LEASE_SECONDS, validation_alias="BOT_ORDER_LEASE_SECONDS"
    )
    gap_wait_seconds: float = Field(
        default=DEFAULT_GAP_WAIT_SECONDS, validation_alias="BOT_ORDER_GAP_WAIT_SECONDS"
    )
    webhook_max_connections: int | None = Field(
        default=None, validation_alias="WEBHOOK_MAX_CONNECTIONS"
    )

    @property
    def shared(self) -> bool:
        """Whether the instances share their update ordering through Redis."""
        return self.redis_url is not None

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url(cls, value: object) -> object:
        if isinstance(value, str) and not value.startswith(("redis://", "rediss://", "unix://")):
            # Never echo the value: it may hold a password.
            raise BotSettingsError(
                "BOT_SHARED_STATE_URL must be a redis://, rediss:// or unix:// URL"
            )
        return value

    @field_validator("key_prefix", mode="before")
    @classmethod
    def _key_prefix(cls, value: object) -> object:
        if not isinstance(value, str) or not _PREFIX_SHAPE.match(value):
            raise BotSettingsError("BOT_STATE_KEY_PREFIX may only use A-Z, a-z, 0-9 and _ . : -")
        return value

    @field_validator("lease_seconds", "gap_wait_seconds", mode="before")
    @classmethod
    def _seconds(cls, value: object, info: ValidationInfo) -> float:
        name = _variable(info)
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BotSettingsError(f"{name} must be a number of seconds") from None
        zero_ok = info.field_name == "gap_wait_seconds"
        if seconds < 0 or (seconds == 0 and not zero_ok):
            raise BotSettingsError(f"{name} must be positive")
        return seconds

    @field_validator("webhook_max_connections", mode="before")
    @classmethod
    def _connections(cls, value: object) -> object:
        if value is None:
            return None
        text = str(value)
        if not text.isdigit() or not 1 <= int(text) <= MAX_WEBHOOK_CONNECTIONS:
            raise BotSettingsError(
                f"WEBHOOK_MAX_CONNECTIONS must be 1 to {MAX_WEBHOOK_CONNECTIONS}"
            )
        return int(text)


def _variable(info: ValidationInfo) -> str:
    alias = SharedStateSettings.model_fields[str(info.field_name)].validation_alias
    return alias if isinstance(alias, str) else str(info.field_name)


def load_shared_settings(environ: Mapping[str, str] | None = None) -> SharedStateSettings:
    """Build the shared-state settings from `environ` (default `os.environ`)."""
    return SharedStateSettings.from_environ(os.environ if environ is None else environ)
