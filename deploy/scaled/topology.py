"""The scaled topology's settings: every port, database and key prefix, from the environment.

`scaled_environment()` is the one place where the defaults live. The launcher passes its result
to supervisord, whose programs and HAProxy read these variables (`%(ENV_X)s` in
supervisord.conf, `"${X}"` in haproxy.cfg, `${X}` in endpoints.yml), and the tests, the bench
and the Kubernetes consistency test read the same names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[2]
HERE: Final = Path(__file__).resolve().parent
SUPERVISORD_CONF: Final = HERE / "supervisord.conf"
HAPROXY_CFG: Final = HERE / "haproxy.cfg"
ENDPOINTS_YML: Final = HERE / "endpoints.yml"

LOOPBACK: Final = "127.0.0.1"
WEBHOOK_PATH: Final = "/telegram/webhook"

# Each tier: the load balancer's port, then its two backends.
DEFAULT_PORTS: Final[dict[str, int]] = {
    "PLAYGROUND_PORT": 8080,
    "BOT_LB_PORT": 8443,
    "BOT_1_PORT": 8441,
    "BOT_2_PORT": 8442,
    "RASA_LB_PORT": 5005,
    "RASA_1_PORT": 5006,
    "RASA_2_PORT": 5007,
    "ACTION_LB_PORT": 5055,
    "ACTION_1_PORT": 5056,
    "ACTION_2_PORT": 5057,
    "LB_STATS_PORT": 8404,
}
DEFAULT_SETTINGS: Final[dict[str, str]] = {
    "POSTGRES_HOST": LOOPBACK,
    "POSTGRES_PORT": "5432",
    "POSTGRES_USER": "postgres",
    "BANK_DB": "produbanco_bank",
    "TRACKER_DB": "produbanco_tracker",
    "REDIS_HOST": LOOPBACK,
    "REDIS_PORT": "6379",
    # Rasa's lock store and the bots' shared state, each in its own Redis database.
    "LOCK_STORE_DB": "1",
    "LOCK_STORE_KEY_PREFIX": "produbanco",
    "BOT_STATE_DB": "2",
    "BOT_STATE_KEY_PREFIX": "produbanco",
}
_NAME: Final = re.compile(r"^[A-Za-z0-9_]{1,63}$")
_PREFIX: Final = re.compile(r"^[A-Za-z0-9]{1,40}$")


class TopologyError(ValueError):
    """A setting of the scaled topology is unusable; the message names it."""


@dataclass(frozen=True)
class Tier:
    """One load-balanced tier: the balancer's port and its two backends' ports."""

    name: str
    lb_port: int
    backend_ports: tuple[int, int]


def _port(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "").strip() or str(DEFAULT_PORTS[name])
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise TopologyError(f"{name} must be a TCP port (1-65535)")
    return int(raw)


def _setting(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip() or DEFAULT_SETTINGS[name]
    if name.endswith("_KEY_PREFIX"):
        if not _PREFIX.match(value):
            raise TopologyError(f"{name} must be 1-40 letters or digits")
    elif not _NAME.match(value.replace(".", "_")):
        raise TopologyError(f"{name} must be a plain name or number")
    return value


def ports(env: Mapping[str, str]) -> dict[str, int]:
    """Every port of the topology; they must all differ."""
    chosen = {name: _port(env, name) for name in DEFAULT_PORTS}
    if len(set(chosen.values())) != len(chosen):
        raise TopologyError("the scaled topology's ports must all differ")
    return chosen


def tiers(env: Mapping[str, str]) -> list[Tier]:
    """The three load-balanced tiers: bots (webhook), Rasa, action servers."""
    chosen = ports(env)
    return [
        Tier(name, chosen[f"{key}_LB_PORT"], (chosen[f"{key}_1_PORT"], chosen[f"{key}_2_PORT"]))
        for name, key in (("bots", "BOT"), ("rasa", "RASA"), ("actions", "ACTION"))
    ]


def postgres_url(env: Mapping[str, str], database: str, *, driver: str = "") -> str:
    """A URL of one database on the topology's PostgreSQL server (trust authentication)."""
    scheme = f"postgresql+{driver}" if driver else "postgresql"
    host, port, user = (
        _setting(env, "POSTGRES_HOST"),
        _setting(env, "POSTGRES_PORT"),
        _setting(env, "POSTGRES_USER"),
    )
    return f"{scheme}://{user}@{host}:{port}/{database}"


def scaled_environment(env: Mapping[str, str], *, run_dir: Path, model: Path) -> dict[str, str]:
    """Every variable supervisord, HAProxy, Rasa, the action servers and the bots read.

    Without TELEGRAM_BOT_TOKEN the bots use the playground as their Bot API and register the
    bot load balancer's local address as their webhook; with a token WEBHOOK_URL is required
    (the public HTTPS address that reaches the bot load balancer).
    """
    chosen = ports(env)
    settings = {name: _setting(env, name) for name in DEFAULT_SETTINGS}
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token:
        webhook_url = env.get("WEBHOOK_URL", "").strip()
        if not webhook_url.startswith("https://"):
            raise TopologyError("with TELEGRAM_BOT_TOKEN, WEBHOOK_URL must be the public https URL")
    else:
        webhook_url = f"http://{LOOPBACK}:{chosen['BOT_LB_PORT']}{WEBHOOK_PATH}"
    redis = f"redis://{settings['REDIS_HOST']}:{settings['REDIS_PORT']}"
    return {
        **{name: str(port) for name, port in chosen.items()},
        **settings,
        "REPO": str(REPO),
        "MODEL": str(model),
        "SCALED_RUN_DIR": str(run_dir),
        "SCALED_LOG_DIR": str(run_dir / "log"),
        "PLAYGROUND_AUTOSTART": "false" if token else "true",
        "DATABASE_URL": postgres_url(env, settings["BANK_DB"], driver="psycopg"),
        "RASA_URL": f"http://{LOOPBACK}:{chosen['RASA_LB_PORT']}",
        # The bots wait for the action servers' health (through their balancer) before asking
        # a lost step again.
        "ACTION_SERVER_URL": f"http://{LOOPBACK}:{chosen['ACTION_LB_PORT']}",
        "BOT_MODE": "webhook",
        "WEBHOOK_URL": webhook_url,
        "WEBHOOK_LISTEN": LOOPBACK,
        "BOT_SHARED_STATE_URL": f"{redis}/{settings['BOT_STATE_DB']}",
        "SANIC_HOST": LOOPBACK,
        "TELEGRAM_BOT_TOKEN": token,
    }
