"""Typed settings of the Telegram bot, read from the environment by `load_bot_settings()`."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from bot.backoff import Backoff
from bot.rasa_client import DEFAULT_RASA_URL, DEFAULT_TIMEOUT_SECONDS

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
DEFAULT_TELEGRAM_RETRY: Final = Backoff(
    DEFAULT_TELEGRAM_RETRY_ATTEMPTS,
    TELEGRAM_RETRY_FIRST_DELAY,
    TELEGRAM_RETRY_MAX_DELAY,
    DEFAULT_TELEGRAM_RETRY_SECONDS,
)
DEFAULT_REPLY_RECOVERY: Final = Backoff(
    _ATTEMPTS_BOUNDED_BY_TIME,
    REPLY_RECOVERY_FIRST_DELAY,
    REPLY_RECOVERY_MAX_DELAY,
    DEFAULT_REPLY_RECOVERY_SECONDS,
)
DEFAULT_RASA_OUTAGE: Final = Backoff(
    _ATTEMPTS_BOUNDED_BY_TIME,
    RASA_OUTAGE_FIRST_DELAY,
    RASA_OUTAGE_MAX_DELAY,
    DEFAULT_RASA_OUTAGE_SECONDS,
)

BotMode = Literal["polling", "webhook"]


class BotSettingsError(ValueError):
    """The bot's configuration is unusable; the message says which variable and why."""


@dataclass(frozen=True)
class BotSettings:
    """Everything the bot process needs from its environment."""

    token: str = field(repr=False)
    api_base_url: str
    file_base_url: str
    mode: BotMode
    rasa_url: str
    rasa_timeout_seconds: float
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret_token: str = field(default="", repr=False)
    playground: bool = False
    assist_expiry_seconds: float = DEFAULT_ASSIST_EXPIRY_SECONDS
    assist_typing_seconds: float = DEFAULT_ASSIST_TYPING_SECONDS
    telegram_retry: Backoff = DEFAULT_TELEGRAM_RETRY
    reply_recovery: Backoff = DEFAULT_REPLY_RECOVERY
    rasa_outage: Backoff = DEFAULT_RASA_OUTAGE
    rasa_max_waiting: int = DEFAULT_RASA_MAX_WAITING
    # The action server's base URL; when set, its /health is checked before a step is re-asked.
    action_server_url: str | None = None

    @property
    def bot_id(self) -> str:
        """The bot's numeric id: the part of the token before the colon (not secret)."""
        return self.token.partition(":")[0]

    @property
    def webhook_path(self) -> str:
        """The local path the webhook server answers on."""
        return "/telegram/webhook"


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BotSettingsError(f"{name} must be a number") from None
    if value <= 0:
        raise BotSettingsError(f"{name} must be positive")
    return value


def _typing_seconds(env: Mapping[str, str]) -> float:
    raw = env.get("ASSIST_TYPING_SECONDS", "").strip()
    if not raw:
        return DEFAULT_ASSIST_TYPING_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise BotSettingsError("ASSIST_TYPING_SECONDS must be a number") from None
    if not 0 <= value <= MAX_ASSIST_TYPING_SECONDS:
        raise BotSettingsError(f"ASSIST_TYPING_SECONDS must be 0 to {MAX_ASSIST_TYPING_SECONDS:g}")
    return value


def _backoff(seconds: float, first: float, maximum: float, attempts: int) -> Backoff:
    """A policy whose delays never exceed its total time (short totals in tests)."""
    cap = min(maximum, seconds)
    return Backoff(attempts, min(first, cap), cap, seconds)


def load_bot_settings(environ: Mapping[str, str] | None = None) -> BotSettings:
    """Build the bot settings from `environ` (default `os.environ`).

    Without TELEGRAM_BOT_TOKEN the bot talks to the local playground.
    """
    env = os.environ if environ is None else environ
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    playground = not token
    if playground:
        playground_port = env.get("PLAYGROUND_PORT", "").strip() or str(DEFAULT_PLAYGROUND_PORT)
        local = f"http://127.0.0.1:{playground_port}"
        token = env.get("PLAYGROUND_BOT_TOKEN", "").strip() or PLAYGROUND_BOT_TOKEN
        default_api, default_files = f"{local}/bot", f"{local}/file/bot"
    else:
        default_api, default_files = OFFICIAL_API_BASE_URL, OFFICIAL_FILE_BASE_URL
    if not _TOKEN_SHAPE.match(token):
        # Never echo the value: it is (or resembles) a credential.
        raise BotSettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather")
    mode = env.get("BOT_MODE", "polling").strip().lower() or "polling"
    if mode not in ("polling", "webhook"):
        raise BotSettingsError("BOT_MODE must be 'polling' or 'webhook'")
    webhook_url = env.get("WEBHOOK_URL", "").strip() or None
    if mode == "webhook" and webhook_url is None:
        raise BotSettingsError("BOT_MODE=webhook needs WEBHOOK_URL (the public HTTPS address)")
    secret_token = env.get("WEBHOOK_SECRET_TOKEN", "").strip() or secrets.token_urlsafe(32)
    if not _SECRET_TOKEN_SHAPE.match(secret_token):
        raise BotSettingsError("WEBHOOK_SECRET_TOKEN may only use A-Z, a-z, 0-9, _ and -")
    webhook_port = int(_number(env, "WEBHOOK_PORT", 8443))
    return BotSettings(
        token=token,
        api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip() or default_api,
        file_base_url=env.get("TELEGRAM_API_FILE_URL", "").strip() or default_files,
        mode="webhook" if mode == "webhook" else "polling",
        rasa_url=env.get("RASA_URL", "").strip() or DEFAULT_RASA_URL,
        rasa_timeout_seconds=_number(env, "RASA_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS),
        webhook_url=webhook_url,
        webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        webhook_port=webhook_port,
        webhook_secret_token=secret_token,
        playground=playground,
        assist_expiry_seconds=_number(env, "ASSIST_EXPIRY_SECONDS", DEFAULT_ASSIST_EXPIRY_SECONDS),
        assist_typing_seconds=_typing_seconds(env),
        telegram_retry=_backoff(
            _number(env, "TELEGRAM_RETRY_SECONDS", DEFAULT_TELEGRAM_RETRY_SECONDS),
            TELEGRAM_RETRY_FIRST_DELAY,
            TELEGRAM_RETRY_MAX_DELAY,
            int(_number(env, "TELEGRAM_RETRY_ATTEMPTS", DEFAULT_TELEGRAM_RETRY_ATTEMPTS)),
        ),
        reply_recovery=_backoff(
            _number(env, "REPLY_RECOVERY_SECONDS", DEFAULT_REPLY_RECOVERY_SECONDS),
            REPLY_RECOVERY_FIRST_DELAY,
            REPLY_RECOVERY_MAX_DELAY,
            _ATTEMPTS_BOUNDED_BY_TIME,
        ),
        rasa_outage=_backoff(
            _number(env, "RASA_OUTAGE_SECONDS", DEFAULT_RASA_OUTAGE_SECONDS),
            RASA_OUTAGE_FIRST_DELAY,
            RASA_OUTAGE_MAX_DELAY,
            _ATTEMPTS_BOUNDED_BY_TIME,
        ),
        rasa_max_waiting=int(_number(env, "RASA_MAX_WAITING", DEFAULT_RASA_MAX_WAITING)),
        action_server_url=env.get("ACTION_SERVER_URL", "").strip() or None,
    )
