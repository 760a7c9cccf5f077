"""Typed settings of the Telegram bot, read from the environment by `load_bot_settings()`.

`BotSettings` is a pydantic-settings class (formats.environment): its fields are the variables,
its properties what the bot derives from them; a refused value raises `BotSettingsError`.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from functools import cached_property
from typing import ClassVar, Final, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from bot.backoff import Backoff
from bot.rasa_client import DEFAULT_RASA_URL, DEFAULT_TIMEOUT_SECONDS
from bot.settings_error import BotSettingsError
from formats.environment import EnvironmentSettings

OFFICIAL_API_BASE_URL: Final = "https://api.telegram.org/bot"
OFFICIAL_FILE_BASE_URL: Final = "https://api.telegram.org/file/bot"
# The playground's token opens only the local stand-in; it is not a secret.
PLAYGROUND_BOT_TOKEN: Final = "123456:playground"  # noqa: S105
DEFAULT_PLAYGROUND_PORT: Final = 8080
_TOKEN_SHAPE: Final = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{5,100}$")
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret token.
_SECRET_TOKEN_SHAPE: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Assisted mode: how often tickets nobody took are moved to follow-up, and how long the customer
# sees "typing..." before an agent's message.
DEFAULT_ASSIST_EXPIRY_SECONDS: Final = 5.0
DEFAULT_ASSIST_TYPING_SECONDS: Final = 1.0
MAX_ASSIST_TYPING_SECONDS: Final = 5.0
# Self-healing (bot/backoff.py). A Bot API call that failed for a transient reason (a 5xx, a
# dropped connection, a timeout) is retried within TELEGRAM_RETRY_ATTEMPTS / _SECONDS.
DEFAULT_TELEGRAM_RETRY_ATTEMPTS: Final = 5
DEFAULT_TELEGRAM_RETRY_SECONDS: Final = 20.0
TELEGRAM_RETRY_FIRST_DELAY: Final = 0.5
TELEGRAM_RETRY_MAX_DELAY: Final = 5.0
# When a turn's replies still could not be delivered, the apology (and the step asked again) is
# tried for this long, as Telegram comes back.
DEFAULT_REPLY_RECOVERY_SECONDS: Final = 120.0
REPLY_RECOVERY_FIRST_DELAY: Final = 2.0
REPLY_RECOVERY_MAX_DELAY: Final = 15.0
# While Rasa cannot be reached (a restart with a ~40 s model load) a message waits this long, and
# at most this many messages wait at once.
DEFAULT_RASA_OUTAGE_SECONDS: Final = 120.0
DEFAULT_RASA_MAX_WAITING: Final = 32
RASA_OUTAGE_FIRST_DELAY: Final = 1.0
RASA_OUTAGE_MAX_DELAY: Final = 5.0
# Attempts are bounded by time for these two (a restart takes what it takes).
_ATTEMPTS_BOUNDED_BY_TIME: Final = 1_000
BotMode = Literal["polling", "webhook"]


class BotSettings(EnvironmentSettings):
    """Everything the bot process needs from its environment (`load_bot_settings`).

    The fields are the variables; what the bot uses is derived from them by the properties
    (`token`, `mode`, the backoff policies...). Without TELEGRAM_BOT_TOKEN the bot talks to the
    local playground.
    """

    settings_error: ClassVar[type[ValueError]] = BotSettingsError

    telegram_bot_token: str = Field("", validation_alias="TELEGRAM_BOT_TOKEN", repr=False)
    playground_port: str = Field(str(DEFAULT_PLAYGROUND_PORT), validation_alias="PLAYGROUND_PORT")
    playground_bot_token: str = Field(
        PLAYGROUND_BOT_TOKEN, validation_alias="PLAYGROUND_BOT_TOKEN", repr=False
    )
    telegram_api_base_url: str = Field("", validation_alias="TELEGRAM_API_BASE_URL")
    telegram_api_file_url: str = Field("", validation_alias="TELEGRAM_API_FILE_URL")
    bot_mode: BotMode = Field("polling", validation_alias="BOT_MODE")
    rasa_url: str = Field(DEFAULT_RASA_URL, validation_alias="RASA_URL")
    rasa_timeout_seconds: float = Field(
        DEFAULT_TIMEOUT_SECONDS, validation_alias="RASA_TIMEOUT_SECONDS"
    )
    webhook_url: str | None = Field(None, validation_alias="WEBHOOK_URL")
    webhook_listen: str = Field("127.0.0.1", validation_alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(8443, validation_alias="WEBHOOK_PORT")
    # Random on each start unless set (several instances behind one webhook must share it).
    webhook_secret_token: str = Field(
        default_factory=lambda: secrets.token_urlsafe(32),
        validation_alias="WEBHOOK_SECRET_TOKEN",
        repr=False,
    )
    assist_expiry_seconds: float = Field(
        DEFAULT_ASSIST_EXPIRY_SECONDS, validation_alias="ASSIST_EXPIRY_SECONDS"
    )
    assist_typing_seconds: float = Field(
        DEFAULT_ASSIST_TYPING_SECONDS, validation_alias="ASSIST_TYPING_SECONDS"
    )
    telegram_retry_attempts: int = Field(
        DEFAULT_TELEGRAM_RETRY_ATTEMPTS, validation_alias="TELEGRAM_RETRY_ATTEMPTS"
    )
    telegram_retry_seconds: float = Field(
        DEFAULT_TELEGRAM_RETRY_SECONDS, validation_alias="TELEGRAM_RETRY_SECONDS"
    )
    reply_recovery_seconds: float = Field(
        DEFAULT_REPLY_RECOVERY_SECONDS, validation_alias="REPLY_RECOVERY_SECONDS"
    )
    rasa_outage_seconds: float = Field(
        DEFAULT_RASA_OUTAGE_SECONDS, validation_alias="RASA_OUTAGE_SECONDS"
    )
    rasa_max_waiting: int = Field(DEFAULT_RASA_MAX_WAITING, validation_alias="RASA_MAX_WAITING")
    # The action server's base URL; when set, its /health is checked before a step is re-asked.
    action_server_url: str | None = Field(None, validation_alias="ACTION_SERVER_URL")

    @field_validator("bot_mode", mode="before")
    @classmethod
    def _known_mode(cls, value: object) -> object:
        mode = value.lower() if isinstance(value, str) else value
        if mode not in ("polling", "webhook"):
            raise BotSettingsError("BOT_MODE must be 'polling' or 'webhook'")
        return mode

    @field_validator(
        "rasa_timeout_seconds",
        "assist_expiry_seconds",
        "telegram_retry_seconds",
        "reply_recovery_seconds",
        "rasa_outage_seconds",
        mode="before",
    )
    @classmethod
    def _positive_seconds(cls, value: object, info: ValidationInfo) -> float:
        return positive_number(variable(info), value)

    @field_validator("webhook_port", "telegram_retry_attempts", "rasa_max_waiting", mode="before")
    @classmethod
    def _positive_count(cls, value: object, info: ValidationInfo) -> int:
        # A number like the others, its fraction dropped ("8443.0" is a port).
        return int(positive_number(variable(info), value))

    @field_validator("assist_typing_seconds", mode="before")
    @classmethod
    def _typing_seconds(cls, value: object) -> float:
        seconds = number("ASSIST_TYPING_SECONDS", value)
        if not 0 <= seconds <= MAX_ASSIST_TYPING_SECONDS:
            raise BotSettingsError(
                f"ASSIST_TYPING_SECONDS must be 0 to {MAX_ASSIST_TYPING_SECONDS:g}"
            )
        return seconds

    @field_validator("webhook_secret_token")
    @classmethod
    def _secret_token_shape(cls, token: str) -> str:
        if not _SECRET_TOKEN_SHAPE.match(token):
            raise BotSettingsError("WEBHOOK_SECRET_TOKEN may only use A-Z, a-z, 0-9, _ and -")
        return token

    @model_validator(mode="after")
    def _usable(self) -> Self:
        if not _TOKEN_SHAPE.match(self.token):
            # Never echo the value: it is (or resembles) a credential.
            raise BotSettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather"
            )
        if self.mode == "webhook" and self.webhook_url is None:
            raise BotSettingsError("BOT_MODE=webhook needs WEBHOOK_URL (the public HTTPS address)")
        # The policies refuse unusable numbers now, not at the first retry.
        _ = (self.telegram_retry, self.reply_recovery, self.rasa_outage)
        return self

    @property
    def playground(self) -> bool:
        """Whether the bot talks to the local playground (no TELEGRAM_BOT_TOKEN)."""
        return not self.telegram_bot_token

    @property
    def token(self) -> str:
        """The Bot API token: TELEGRAM_BOT_TOKEN, or the playground's."""
        return self.telegram_bot_token or self.playground_bot_token

    @property
    def api_base_url(self) -> str:
        """Where Bot API methods are called."""
        return self.telegram_api_base_url or (
            f"{self._playground_url}/bot" if self.playground else OFFICIAL_API_BASE_URL
        )

    @property
    def file_base_url(self) -> str:
        """Where files are downloaded."""
        return self.telegram_api_file_url or (
            f"{self._playground_url}/file/bot" if self.playground else OFFICIAL_FILE_BASE_URL
        )

    @property
    def mode(self) -> BotMode:
        """How updates arrive: long polling or the webhook."""
        return self.bot_mode

    @cached_property
    def telegram_retry(self) -> Backoff:
        """Retrying a Bot API call that failed for a transient reason."""
        return _backoff(
            self.telegram_retry_seconds,
            TELEGRAM_RETRY_FIRST_DELAY,
            TELEGRAM_RETRY_MAX_DELAY,
            self.telegram_retry_attempts,
        )

    @cached_property
    def reply_recovery(self) -> Backoff:
        """Delivering the apology of a turn whose replies could not be sent."""
        return _backoff(
            self.reply_recovery_seconds,
            REPLY_RECOVERY_FIRST_DELAY,
            REPLY_RECOVERY_MAX_DELAY,
            _ATTEMPTS_BOUNDED_BY_TIME,
        )

    @cached_property
    def rasa_outage(self) -> Backoff:
        """Waiting for Rasa to come back."""
        return _backoff(
            self.rasa_outage_seconds,
            RASA_OUTAGE_FIRST_DELAY,
            RASA_OUTAGE_MAX_DELAY,
            _ATTEMPTS_BOUNDED_BY_TIME,
        )

    @property
    def bot_id(self) -> str:
        """The bot's numeric id: the part of the token before the colon (not secret)."""
        return self.token.partition(":")[0]

    @property
    def webhook_path(self) -> str:
        """The local path the webhook server answers on."""
        return "/telegram/webhook"

    @property
    def _playground_url(self) -> str:
        return f"http://127.0.0.1:{self.playground_port}"


def variable(info: ValidationInfo) -> str:
    """The environment variable of the field being validated."""
    alias = BotSettings.model_fields[str(info.field_name)].validation_alias
    return alias if isinstance(alias, str) else str(info.field_name)


def number(name: str, value: object) -> float:
    """`value` as a float; text that is not a number is refused naming `name` only."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise BotSettingsError(f"{name} must be a number") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise BotSettingsError(f"{name} must be a number")


def positive_number(name: str, value: object) -> float:
    """`value` as a positive float."""
    result = number(name, value)
    if result <= 0:
        raise BotSettingsError(f"{name} must be positive")
    return result


def _backoff(seconds: float, first: float, maximum: float, attempts: int) -> Backoff:
    """A policy whose delays never exceed its total time (short totals in tests)."""
    cap = min(maximum, seconds)
    return Backoff(attempts, min(first, cap), cap, seconds)


def load_bot_settings(environ: Mapping[str, str] | None = None) -> BotSettings:
    """Build the bot settings from `environ` (default `os.environ`).

    Without TELEGRAM_BOT_TOKEN the bot talks to the local playground.
    """
    return BotSettings.from_environ(os.environ if environ is None else environ)
