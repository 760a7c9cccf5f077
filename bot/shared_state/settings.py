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
from dataclasses import dataclass
from typing import Final

from bot.telegram.settings import BotSettingsError

DEFAULT_LEASE_SECONDS: Final = 10.0
DEFAULT_GAP_WAIT_SECONDS: Final = 0.5
MAX_WEBHOOK_CONNECTIONS: Final = 100
_PREFIX_SHAPE: Final = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


@dataclass(frozen=True)
class SharedStateSettings:
    """Where the shared state lives and how chats are ordered across instances."""

    redis_url: str | None
    key_prefix: str = "bot"
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    gap_wait_seconds: float = DEFAULT_GAP_WAIT_SECONDS
    webhook_max_connections: int | None = None

    @property
    def shared(self) -> bool:
        """Whether the instances share their update ordering through Redis."""
        return self.redis_url is not None


def _seconds(env: Mapping[str, str], name: str, default: float, *, zero_ok: bool) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BotSettingsError(f"{name} must be a number of seconds") from None
    if value < 0 or (value == 0 and not zero_ok):
        raise BotSettingsError(f"{name} must be positive")
    return value


def load_shared_settings(environ: Mapping[str, str] | None = None) -> SharedStateSettings:
    """Build the shared-state settings from `environ` (default `os.environ`)."""
    env = os.environ if environ is None else environ
    url = env.get("BOT_SHARED_STATE_URL", "").strip() or None
    if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
        # Never echo the value: it may hold a password.
        raise BotSettingsError("BOT_SHARED_STATE_URL must be a redis://, rediss:// or unix:// URL")
    prefix = env.get("BOT_STATE_KEY_PREFIX", "").strip() or "bot"
    if not _PREFIX_SHAPE.match(prefix):
        raise BotSettingsError("BOT_STATE_KEY_PREFIX may only use A-Z, a-z, 0-9 and _ . : -")
    raw_connections = env.get("WEBHOOK_MAX_CONNECTIONS", "").strip()
    connections: int | None = None
    if raw_connections:
        if not raw_connections.isdigit() or not 1 <= int(raw_connections) <= 100:
            raise BotSettingsError("WEBHOOK_MAX_CONNECTIONS must be 1 to 100")
        connections = int(raw_connections)
    return SharedStateSettings(
        redis_url=url,
        key_prefix=prefix,
        lease_seconds=_seconds(
            env, "BOT_ORDER_LEASE_SECONDS", DEFAULT_LEASE_SECONDS, zero_ok=False
        ),
        gap_wait_seconds=_seconds(
            env, "BOT_ORDER_GAP_WAIT_SECONDS", DEFAULT_GAP_WAIT_SECONDS, zero_ok=True
        ),
        webhook_max_connections=connections,
    )
