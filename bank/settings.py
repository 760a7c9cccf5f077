"""Typed settings of the bank core, read from the environment by `load_settings()`."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bank.crypto import ARGON2_MEMORY_KIB, ARGON2_PARALLELISM, ARGON2_TIME_COST

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


class SettingsError(ValueError):
    """The configuration is unusable (for example a weak secret key)."""


@dataclass(frozen=True)
class Settings:
    """Everything the bank core needs from its environment."""

    database_url: str
    secret_key: str = field(repr=False)
    # argon2id cost (bank.crypto); tests lower it.
    argon2_time_cost: int = ARGON2_TIME_COST
    argon2_memory_kib: int = ARGON2_MEMORY_KIB
    argon2_parallelism: int = ARGON2_PARALLELISM
    # What a child may ask in one request, and in all of one day's requests (money, withdrawals).
    mini_max_per_request: Decimal = DEFAULT_MINI_MAX_PER_REQUEST
    mini_max_per_day: Decimal = DEFAULT_MINI_MAX_PER_DAY
    assist_wait_minutes: int = DEFAULT_ASSIST_WAIT_MINUTES
    telegram_bot_username: str = DEFAULT_TELEGRAM_BOT_USERNAME
    # The call center's opening hours as the bank words them ("de lunes a viernes, 8:00 a 18:00"):
    # the seeds give none, so a customer nobody could help is told the number without hours.
    call_center_hours: str = ""

    def __post_init__(self) -> None:
        check_secret_key(self.secret_key)
        if self.mini_max_per_request > self.mini_max_per_day:
            raise SettingsError("MINI_MAX_PER_REQUEST cannot exceed MINI_MAX_PER_DAY")
        if not 1 <= self.assist_wait_minutes <= MAX_ASSIST_WAIT_MINUTES:
            raise SettingsError(
                f"ASSIST_WAIT_MINUTES must be between 1 and {MAX_ASSIST_WAIT_MINUTES}"
            )
        if (
            len(self.call_center_hours) > MAX_CALL_CENTER_HOURS
            or not self.call_center_hours.isprintable()
        ):
            raise SettingsError(
                f"CALL_CENTER_HOURS must be one line of at most {MAX_CALL_CENTER_HOURS} characters"
            )
        if not TELEGRAM_USERNAME_PATTERN.fullmatch(self.telegram_bot_username):
            raise SettingsError("TELEGRAM_BOT_USERNAME must be a Telegram username, without @")

    def subkey(self, purpose: str) -> bytes:
        """Derive an independent 32-byte key for `purpose` (HMAC-SHA256 of the master key)."""
        message = f"produbanco-bank/v1/{purpose}".encode()
        return hmac.new(self.secret_key.encode(), message, hashlib.sha256).digest()


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
    """Build the settings from `environ` (default `os.environ`), with safe local defaults."""
    env = os.environ if environ is None else environ
    var = var_dir or DEFAULT_VAR_DIR
    database_url = env.get("DATABASE_URL", "").strip()
    if not database_url:
        make_private_dir(var)
        database_url = f"sqlite:///{var / 'bank.db'}"
    secret_key = env.get("BANK_SECRET_KEY", "").strip() or read_or_create_key_file(
        var / SECRET_KEY_FILE_NAME
    )
    return Settings(
        database_url=database_url,
        secret_key=secret_key,
        mini_max_per_request=read_limit(env, "MINI_MAX_PER_REQUEST", DEFAULT_MINI_MAX_PER_REQUEST),
        mini_max_per_day=read_limit(env, "MINI_MAX_PER_DAY", DEFAULT_MINI_MAX_PER_DAY),
        assist_wait_minutes=read_minutes(env, "ASSIST_WAIT_MINUTES", DEFAULT_ASSIST_WAIT_MINUTES),
        telegram_bot_username=env.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@")
        or DEFAULT_TELEGRAM_BOT_USERNAME,
        call_center_hours=" ".join(env.get("CALL_CENTER_HOURS", "").split()),
    )


def read_minutes(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of minutes from `env[name]`, or the default (the range is checked later)."""
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit():
        raise SettingsError(f"{name} must be a whole number of minutes, like 10")
    return int(text)


def read_limit(env: Mapping[str, str], name: str, default: Decimal) -> Decimal:
    """A positive dollar amount with at most 2 decimals from `env[name]`, or the default."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SettingsError(f"{name} must be an amount in dollars, like 50.00") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise SettingsError(f"{name} must be a positive amount with at most 2 decimals")
    return value.quantize(Decimal("0.01"))


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
