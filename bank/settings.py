"""Typed settings of the bank core, read from the environment by `load_settings()`.

`Settings` is a pydantic-settings class (formats.environment): each field names its variable,
validators hold the rules, and a refused value raises `SettingsError` naming the variable.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import ClassVar, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from bank.crypto import ARGON2_MEMORY_KIB, ARGON2_PARALLELISM, ARGON2_TIME_COST
from bank.keys import KeyRing, derive_key, key_ring
from formats.environment import EnvironmentSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = REPO_ROOT / "var"
SECRET_KEY_FILE_NAME = "bank_secret.key"  # noqa: S105 (a file name)
# var/ holds the bank's key, its SQLite files and Rasa's conversations: owner only.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_DISTINCT_CHARS = 8
# Cuenta Mini limits (US dollars). The seeds give none; these are the assistant's own defaults.
DEFAULT_MINI_MAX_PER_REQUEST = Decimal("50.00")
DEFAULT_MINI_MAX_PER_DAY = Decimal("100.00")
# Assisted mode: minutes a ticket waits for an agent before the customer is given the call
# center instead, and the bot's @username for the t.me links an agent sends by SMS.
DEFAULT_ASSIST_WAIT_MINUTES = 10
MAX_ASSIST_WAIT_MINUTES = 24 * 60
MAX_CALL_CENTER_HOURS = 120
DEFAULT_TELEGRAM_BOT_USERNAME = "ProdubancoAsistenteBot"
TELEGRAM_USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
CENT = Decimal("0.01")


class SettingsError(ValueError):
    """The configuration is unusable (for example a weak secret key)."""


class Settings(EnvironmentSettings):
    """Everything the bank core needs from its environment (`load_settings`).

    Each field read from the environment names its variable; the argon2id cost is not read from
    it (tests lower it by passing the fields).
    """

    settings_error: ClassVar[type[ValueError]] = SettingsError

    database_url: str = Field(validation_alias="DATABASE_URL")
    secret_key: str = Field(validation_alias="BANK_SECRET_KEY", repr=False)
    # argon2id cost (bank.crypto); tests lower it.
    argon2_time_cost: int = ARGON2_TIME_COST
    argon2_memory_kib: int = ARGON2_MEMORY_KIB
    argon2_parallelism: int = ARGON2_PARALLELISM
    # What a child may ask in one request, and in all of one day's requests (money, withdrawals).
    # NaN and infinities pass pydantic so that `_whole_cents` refuses them with its own message.
    mini_max_per_request: Decimal = Field(
        DEFAULT_MINI_MAX_PER_REQUEST, validation_alias="MINI_MAX_PER_REQUEST", allow_inf_nan=True
    )
    mini_max_per_day: Decimal = Field(
        DEFAULT_MINI_MAX_PER_DAY, validation_alias="MINI_MAX_PER_DAY", allow_inf_nan=True
    )
    assist_wait_minutes: int = Field(
        DEFAULT_ASSIST_WAIT_MINUTES, validation_alias="ASSIST_WAIT_MINUTES"
    )
    telegram_bot_username: str = Field(
        DEFAULT_TELEGRAM_BOT_USERNAME, validation_alias="TELEGRAM_BOT_USERNAME"
    )
    # The call center's opening hours as the bank words them ("de lunes a viernes, 8:00 a 18:00"):
    # the seeds give none, so a customer nobody could help is told the number without hours.
    call_center_hours: str = Field("", validation_alias="CALL_CENTER_HOURS")

    @field_validator("secret_key")
    @classmethod
    def _strong_key(cls, key: str) -> str:
        check_secret_key(key)
        return key

    @field_validator("mini_max_per_request", "mini_max_per_day", mode="before")
    @classmethod
    def _amount_text(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        try:
            return Decimal(value)
        except InvalidOperation:
            raise SettingsError(
                f"{variable(info)} must be an amount in dollars, like 50.00"
            ) from None

    @field_validator("mini_max_per_request", "mini_max_per_day")
    @classmethod
    def _whole_cents(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if not value.is_finite() or value <= 0 or value != value.quantize(CENT):
            raise SettingsError(
                f"{variable(info)} must be a positive amount with at most 2 decimals"
            )
        return value.quantize(CENT)

    @field_validator("assist_wait_minutes", mode="before")
    @classmethod
    def _minutes_text(cls, value: object) -> object:
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise SettingsError("ASSIST_WAIT_MINUTES must be a whole number of minutes, like 10")
        return value

    @field_validator("assist_wait_minutes")
    @classmethod
    def _minutes_range(cls, minutes: int) -> int:
        if not 1 <= minutes <= MAX_ASSIST_WAIT_MINUTES:
            raise SettingsError(
                f"ASSIST_WAIT_MINUTES must be between 1 and {MAX_ASSIST_WAIT_MINUTES}"
            )
        return minutes

    @field_validator("call_center_hours")
    @classmethod
    def _one_short_line(cls, hours: str) -> str:
        if len(hours) > MAX_CALL_CENTER_HOURS or not hours.isprintable():
            raise SettingsError(
                f"CALL_CENTER_HOURS must be one line of at most {MAX_CALL_CENTER_HOURS} characters"
            )
        return hours

    @field_validator("telegram_bot_username")
    @classmethod
    def _username(cls, username: str) -> str:
        if not TELEGRAM_USERNAME_PATTERN.fullmatch(username):
            raise SettingsError("TELEGRAM_BOT_USERNAME must be a Telegram username, without @")
        return username

    @model_validator(mode="after")
    def _request_within_day(self) -> Self:
        if self.mini_max_per_request > self.mini_max_per_day:
            raise SettingsError("MINI_MAX_PER_REQUEST cannot exceed MINI_MAX_PER_DAY")
        return self

    def subkey(self, purpose: str) -> bytes:
        """The current independent 32-byte key for `purpose` (HKDF of the master key, bank.keys)."""
        return derive_key(self.secret_key, purpose)

    def key_ring(self, purpose: str) -> KeyRing:
        """The key of `purpose` and the older one its existing data may have been written with."""
        return key_ring(self.secret_key, purpose)


def variable(info: ValidationInfo) -> str:
    """The environment variable of the field being validated."""
    alias = Settings.model_fields[str(info.field_name)].validation_alias
    return alias if isinstance(alias, str) else str(info.field_name)


def check_secret_key(key: str) -> None:
    """Refuse obviously weak master keys (short, or made of very few distinct characters)."""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(
            f"BANK_SECRET_KEY must have at least {MIN_SECRET_KEY_LENGTH} characters"
        )
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT_CHARS:
        raise SettingsError("BANK_SECRET_KEY is too repetitive to be a real secret")


def load_settings(
    environ: Mapping[str, str] | None = None, *, var_dir: Path | None = None
) -> Settings:
    """Build the settings from `environ` (default `os.environ`), with safe local defaults.

    Without DATABASE_URL the bank is a SQLite file in `var_dir`; without BANK_SECRET_KEY its key
    is read from (or first generated into) a file there, readable by the owner only.
    """
    env = os.environ if environ is None else environ
    var = var_dir or DEFAULT_VAR_DIR
    # How people write these two: "@ProdubancoAsistenteBot", hours wrapped over lines.
    worded = {
        **env,
        "TELEGRAM_BOT_USERNAME": env.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@"),
        "CALL_CENTER_HOURS": " ".join(env.get("CALL_CENTER_HOURS", "").split()),
    }
    fallbacks: dict[str, str] = {}
    if not env.get("DATABASE_URL", "").strip():
        make_private_dir(var)
        fallbacks["database_url"] = f"sqlite:///{var / 'bank.db'}"
    if not env.get("BANK_SECRET_KEY", "").strip():
        fallbacks["secret_key"] = read_or_create_key_file(var / SECRET_KEY_FILE_NAME)
    return Settings.from_environ(worded, **fallbacks)


def read_or_create_key_file(path: Path) -> str:
    """Return the key stored in `path`, generating 32 random bytes (hex, mode 0600) first."""
    make_private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def make_private_dir(path: Path) -> None:
    """Create `path` (and its parents) readable by the owner only; tighten it if it exists."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR_MODE)
