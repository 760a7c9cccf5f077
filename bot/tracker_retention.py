"""Retention of Rasa's tracker store: `python -m bot.tracker_retention [--days N] [--dry-run]`.

Rasa's SQL tracker store keeps every event of every conversation (what customers typed, slots,
bot answers) in one `events` table (id, sender_id, type_name, timestamp as epoch seconds,
intent_name, action_name, data). This command removes the conversations whose last event is
older than the retention period, so nothing a customer wrote stays longer than that. Run it
daily (cron, a Kubernetes CronJob, `make prune-trackers`); it is safe to run while Rasa serves:
a conversation with any recent event is kept whole.

The database is the one endpoints.yml names (`tracker_store`, type SQL, `${VAR}` values taken
from the environment), or `TRACKER_DB_URL` (an SQLAlchemy URL) when set. Rasa is never imported.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from sqlalchemy import URL, Engine, column, create_engine, delete, func, inspect, select, table
from sqlalchemy.exc import SQLAlchemyError

DEFAULT_RETENTION_DAYS: Final = 30
RETENTION_DAYS_VARIABLE: Final = "TRACKER_RETENTION_DAYS"
URL_VARIABLE: Final = "TRACKER_DB_URL"
DEFAULT_ENDPOINTS: Final = Path("endpoints.yml")
# Rasa's SQL tracker store, and ours that keeps sessions short (same table).
SQL_STORE_TYPES: Final = frozenset(
    {"SQL", "sql", "rasa_extensions.compacting_tracker_store.CompactingSQLTrackerStore"}
)
EVENTS_TABLE: Final = "events"
SECONDS_PER_DAY: Final = 86_400
# Rasa's dialect names in endpoints.yml -> the drivers installed beside our code.
_DRIVERS: Final[Mapping[str, str]] = {
    "sqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}
_ENV_REFERENCE: Final = re.compile(r"\$\{([^}]+)\}")

_EVENTS = table(EVENTS_TABLE, column("sender_id"), column("timestamp"))


class RetentionError(ValueError):
    """The settings do not name a usable tracker store or retention period."""


@dataclass(frozen=True, slots=True)
class PruneResult:
    """What a run removed (or, dry, would remove)."""

    conversations: int
    events: int


def retention_days(env: Mapping[str, str]) -> int:
    """TRACKER_RETENTION_DAYS (a whole number of days, at least 1), else the default."""
    raw = env.get(RETENTION_DAYS_VARIABLE, "").strip()
    return parse_days(raw) if raw else DEFAULT_RETENTION_DAYS


def parse_days(raw: str) -> int:
    """A retention period in whole days, at least 1 (RetentionError otherwise)."""
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise RetentionError(f"{RETENTION_DAYS_VARIABLE} must be a whole number of days, >= 1")
    return int(raw)


def _substitute(value: object, env: Mapping[str, str]) -> str | None:
    """An endpoints.yml value with `${VAR}` replaced from the environment, as Rasa does."""
    if value is None:
        return None

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise RetentionError(f"endpoints.yml uses ${{{name}}}, which is not set")
        return env[name]

    return _ENV_REFERENCE.sub(lookup, str(value))


def tracker_url(endpoints: Path, env: Mapping[str, str]) -> URL:
    """The tracker store's SQLAlchemy URL: TRACKER_DB_URL, else endpoints.yml's SQL store.

    A relative SQLite path is taken from the folder of endpoints.yml (where Rasa runs).
    """
    if env.get(URL_VARIABLE, "").strip():
        from sqlalchemy.engine import make_url

        return make_url(env[URL_VARIABLE].strip())
    try:
        config = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise RetentionError(f"cannot read {endpoints} ({type(exc).__name__})") from None
    store: dict[str, Any] = config.get("tracker_store") or {}
    if str(store.get("type", "")) not in SQL_STORE_TYPES:
        raise RetentionError(f"{endpoints} has no SQL tracker_store; set {URL_VARIABLE}")
    dialect = _substitute(store.get("dialect", "sqlite"), env) or "sqlite"
    driver = _DRIVERS.get(dialect.lower())
    if driver is None:
        raise RetentionError(f"unsupported tracker store dialect {dialect!r}; set {URL_VARIABLE}")
    database = _substitute(store.get("db"), env) or "rasa.db"
    if driver == "sqlite":
        path = Path(database)
        return URL.create(
            "sqlite", database=str(path if path.is_absolute() else endpoints.parent / path)
        )
    port = _substitute(store.get("port"), env)
    return URL.create(
        driver,
        username=_substitute(store.get("username"), env),
        password=_substitute(store.get("password"), env),
        host=_substitute(store.get("url"), env),
        port=int(port) if port else None,
        database=database,
        query={k: str(_substitute(v, env)) for k, v in (store.get("query") or {}).items()},
    )


def prune_trackers(
    engine: Engine, *, days: int, now: Callable[[], float] = time.time, dry_run: bool = False
) -> PruneResult:
    """Remove every conversation whose last event is more than `days` days old, in one
    statement (a conversation that gets an event meanwhile is kept whole)."""
    if not inspect(engine).has_table(EVENTS_TABLE):
        return PruneResult(0, 0)  # Rasa has not written anything yet
    cutoff = now() - days * SECONDS_PER_DAY
    stale = (
        select(_EVENTS.c.sender_id)
        .group_by(_EVENTS.c.sender_id)
        .having(func.max(_EVENTS.c.timestamp) < cutoff)
    )
    with engine.begin() as connection:
        conversations = connection.execute(select(func.count()).select_from(stale.subquery()))
        counted = int(conversations.scalar_one())
        if dry_run:
            doomed = select(func.count()).where(_EVENTS.c.sender_id.in_(stale))
            return PruneResult(counted, int(connection.execute(doomed).scalar_one()))
        removed = connection.execute(delete(_EVENTS).where(_EVENTS.c.sender_id.in_(stale)))
        return PruneResult(counted, int(removed.rowcount))


def _prune_existing(engine: Engine, *, days: int, dry_run: bool) -> PruneResult:
    """prune_trackers, except that a missing SQLite file (Rasa never ran) is not created."""
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not Path(database).exists():
        return PruneResult(0, 0)
    return prune_trackers(engine, days=days, dry_run=dry_run)


def parse_args(argv: Sequence[str] | None, env: Mapping[str, str]) -> argparse.Namespace:
    """The command line; defaults from the environment."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.tracker_retention",
        description="Remove Rasa conversations whose last event is older than N days.",
    )
    parser.add_argument(
        "--days",
        type=parse_days,
        default=None,
        help=f"retention in days (default: ${RETENTION_DAYS_VARIABLE} or {DEFAULT_RETENTION_DAYS})",
    )
    parser.add_argument(
        "--endpoints",
        type=Path,
        default=DEFAULT_ENDPOINTS,
        help="Rasa's endpoints.yml (default: %(default)s; ignored when $TRACKER_DB_URL is set)",
    )
    parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Prune the tracker store; print what was removed (never the URL: it may hold a password)."""
    env = os.environ if env is None else env
    try:
        args = parse_args(argv, env)
        days = args.days if args.days is not None else retention_days(env)
        engine = create_engine(tracker_url(args.endpoints, env), hide_parameters=True)
    except RetentionError as exc:
        print(f"tracker retention: {exc}", file=sys.stderr)
        return 2
    try:
        result = _prune_existing(engine, days=days, dry_run=args.dry_run)
    except SQLAlchemyError as exc:
        # The type only: a driver's message may quote the connection's host or parameters.
        print(f"tracker retention: the database failed ({type(exc).__name__})", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    verb = "would remove" if args.dry_run else "removed"
    print(
        f"tracker retention ({days} days): {verb} {result.conversations} conversation(s), "
        f"{result.events} event(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
