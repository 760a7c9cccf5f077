"""Where `make run` puts everything: ports, paths and whether the playground runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

REPO: Final = Path(__file__).resolve().parents[2]
DEFAULT_RASA_PORT: Final = 5005
DEFAULT_ACTION_PORT: Final = 5055
DEFAULT_PLAYGROUND_PORT: Final = 8080
# A unix socket path must fit in sun_path (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH: Final = 100
# With a shared lock store Rasa may run several Sanic workers: one per core of this machine.
WORKERS_WITH_LOCK_STORE: Final = 2
MAX_RASA_WORKERS: Final = 16


class TopologyError(ValueError):
    """The environment names an unusable port or path; the message says which."""


@dataclass(frozen=True)
class RedisLockStore:
    """Rasa's Redis lock store: needed for more than one Rasa worker."""

    host: str
    port: int
    db: int


@dataclass(frozen=True)
class LocalTopology:
    """The single-machine system: one action server, one Rasa, the bot, maybe the playground."""

    repo: Path
    var_dir: Path
    model: Path
    source_endpoints: Path
    credentials: Path
    rasa_port: int
    action_port: int
    playground_port: int
    playground: bool
    lock_store: RedisLockStore | None = None
    rasa_workers: int = 1

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def endpoints(self) -> Path:
        """Rasa's endpoints as run: the source's, with the action server's port."""
        return self.var_dir / "endpoints.yml"

    @property
    def supervisord_config(self) -> Path:
        return self.var_dir / "supervisord.conf"

    @property
    def socket(self) -> Path:
        return self.var_dir / "supervisor.sock"

    @property
    def python(self) -> Path:
        return self.repo / ".venv" / "bin" / "python"

    @property
    def rasa(self) -> Path:
        return self.repo / ".venv-rasa" / "bin" / "rasa"


def topology_from_environ(env: Mapping[str, str], repo: Path = REPO) -> LocalTopology:
    """Read MODEL, VAR_DIR, ENDPOINTS, the three ports, TELEGRAM_BOT_TOKEN, RASA_LOCK_STORE_URL
    and RASA_WORKERS from `env`."""
    model = env.get("MODEL", "").strip()
    if not model:
        raise TopologyError("MODEL must name the trained model")
    var_dir = _path(repo, env.get("VAR_DIR", "") or "var")
    lock_store = _lock_store(env.get("RASA_LOCK_STORE_URL", ""))
    if len(str(var_dir / "supervisor.sock")) > MAX_SOCKET_PATH:
        raise TopologyError(f"VAR_DIR is too long for a unix socket path: {var_dir}")
    return LocalTopology(
        repo=repo,
        var_dir=var_dir,
        model=_path(repo, model),
        source_endpoints=_path(repo, env.get("ENDPOINTS", "") or "endpoints.yml"),
        credentials=repo / "credentials.yml",
        rasa_port=_port(env, "RASA_PORT", DEFAULT_RASA_PORT),
        action_port=_port(env, "ACTION_SERVER_PORT", DEFAULT_ACTION_PORT),
        playground_port=_port(env, "PLAYGROUND_PORT", DEFAULT_PLAYGROUND_PORT),
        playground=not env.get("TELEGRAM_BOT_TOKEN", "").strip(),
        lock_store=lock_store,
        rasa_workers=_rasa_workers(env, lock_store),
    )


def _lock_store(raw: str) -> RedisLockStore | None:
    """RASA_LOCK_STORE_URL: redis://host[:port][/db], or nothing for Rasa's in-memory store."""
    if not raw.strip():
        return None
    try:
        parts = urlsplit(raw.strip())
        port = parts.port or 6379
    except ValueError as exc:
        raise TopologyError(f"RASA_LOCK_STORE_URL is not a URL: {exc}") from None
    if parts.scheme != "redis" or not parts.hostname:
        raise TopologyError("RASA_LOCK_STORE_URL must look like redis://127.0.0.1:6379/1")
    if parts.username or parts.password:
        raise TopologyError("RASA_LOCK_STORE_URL must not hold a password (it would be written)")
    db = parts.path.strip("/") or "0"
    if not db.isdecimal():
        raise TopologyError(f"RASA_LOCK_STORE_URL's database must be a number, not {db!r}")
    return RedisLockStore(host=parts.hostname, port=port, db=int(db))


def _rasa_workers(env: Mapping[str, str], lock_store: RedisLockStore | None) -> int:
    """RASA_WORKERS: 1 without a lock store; with one, 2 unless said otherwise."""
    raw = env.get("RASA_WORKERS", "").strip()
    if not raw:
        return WORKERS_WITH_LOCK_STORE if lock_store else 1
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_RASA_WORKERS:
        raise TopologyError(f"RASA_WORKERS must be from 1 to {MAX_RASA_WORKERS}, not {raw!r}")
    if int(raw) > 1 and lock_store is None:
        raise TopologyError(
            "RASA_WORKERS above 1 needs RASA_LOCK_STORE_URL: Rasa's workers must share a lock store"
        )
    return int(raw)


def _path(repo: Path, value: str) -> Path:
    # supervisord expands %(name)s in its values (log files twice): no escaping is reliable.
    if any(char in value for char in "\n\r\0%"):
        raise TopologyError(f"a path holds a line break, NUL or '%': {value!r}")
    return (repo / value.strip()).resolve()


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdecimal() or not 1 <= int(raw) <= 65535:
        raise TopologyError(f"{name} must be a TCP port (1-65535), not {raw!r}")
    return int(raw)
