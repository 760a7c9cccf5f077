"""Finding 4 (retention): Rasa's tracker store keeps every message verbatim, forever. Whoever
reads the database later (a backup, a stolen disk) reads years of conversations. The operators'
command removes conversations whose last event is older than the retention period.

The store is a real SQLite file, and a real PostgreSQL schema, shaped like Rasa 3.6's `events`
table (our code never imports Rasa).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.support.concurrency import fresh_postgres_schema

REPO = Path(__file__).resolve().parents[2]
DAY = 86_400.0
NOW = time.time()
# Rasa 3.6's SQLTrackerStore.SQLEvent.
EVENTS_DDL = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
)
"""
OLD_SECRET_TEXT = "mi clave es 4826"


def retention() -> ModuleType:
    return importlib.import_module("bot.tracker_retention")


def fill(engine: Engine) -> None:
    """An old conversation (with a careless message), one that started long ago but is active,
    and a recent one."""
    rows = [
        ("tg:old", "user", NOW - 45 * DAY, "inform", None, f'{{"text": "{OLD_SECRET_TEXT}"}}'),
        ("tg:old", "bot", NOW - 44 * DAY, None, None, '{"text": "Hola"}'),
        ("tg:long", "user", NOW - 60 * DAY, "greet", None, '{"text": "hola"}'),
        ("tg:long", "action", NOW - 2 * DAY, None, "action_listen", "{}"),
        ("tg:new", "user", NOW - 3600, "greet", None, '{"text": "buenas"}'),
    ]
    with engine.begin() as connection:
        connection.execute(text(EVENTS_DDL))
        connection.execute(text("CREATE INDEX ix_events_sender_id ON events (sender_id)"))
        for index, (sender, type_name, stamp, intent, action, data) in enumerate(rows, start=1):
            connection.execute(
                text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name, "
                    "action_name, data) VALUES (:i, :s, :t, :ts, :intent, :action, :data)"
                ),
                {
                    "i": index,
                    "s": sender,
                    "t": type_name,
                    "ts": stamp,
                    "intent": intent,
                    "action": action,
                    "data": data,
                },
            )


def senders(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id ORDER BY sender_id")
        ).all()
    return {str(sender): int(count) for sender, count in rows}


def everything_stored(engine: Engine) -> str:
    with engine.connect() as connection:
        return "\n".join(str(row) for row in connection.execute(text("SELECT * FROM events")))


def test_an_old_conversation_stays_in_the_sqlite_tracker_store_no_longer_than_the_retention(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shipped endpoints.yml's store, relative to the folder Rasa runs in.
    (tmp_path / "var").mkdir()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text((REPO / "endpoints.yml").read_text(encoding="utf-8"), encoding="utf-8")
    engine = create_engine(f"sqlite:///{tmp_path / 'var' / 'rasa_tracker.db'}")
    fill(engine)

    status = retention().main(["--days", "30", "--endpoints", str(endpoints)], env={})

    assert status == 0
    assert senders(engine) == {"tg:long": 2, "tg:new": 1}, "an active conversation is kept whole"
    assert OLD_SECRET_TEXT not in everything_stored(engine)
    assert "removed 1 conversation(s), 2 event(s)" in capsys.readouterr().out
    engine.dispose()


def test_the_retention_period_is_one_setting_with_a_default(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    fill(engine)
    module = retention()

    assert module.retention_days({}) == 30
    assert module.main(["--dry-run"], env={"TRACKER_DB_URL": url}) == 0
    assert len(senders(engine)) == 3, "a dry run removes nothing"
    assert module.main([], env={"TRACKER_DB_URL": url, "TRACKER_RETENTION_DAYS": "1"}) == 0
    assert senders(engine) == {"tg:new": 1}
    assert module.main([], env={"TRACKER_DB_URL": url, "TRACKER_RETENTION_DAYS": "0"}) == 2
    engine.dispose()


def test_operators_can_prune_with_make_and_configure_the_period() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "prune-trackers:" in makefile and "bot.tracker_retention" in makefile
    assert "TRACKER_RETENTION_DAYS" in (REPO / ".env.example").read_text(encoding="utf-8")
    assert "prune-trackers" in (REPO / "docs" / "telegram.md").read_text(encoding="utf-8")


def test_a_postgresql_tracker_store_in_endpoints_yml_is_found_with_its_secrets_from_the_env(
    tmp_path: Path,
) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${DB_HOST}\n  port: 5432\n"
        "  db: rasa\n  username: rasa\n  password: ${DB_PASSWORD}\n",
        encoding="utf-8",
    )
    env = {"DB_HOST": "db.internal", "DB_PASSWORD": "s3cr3t"}

    url = retention().tracker_url(endpoints, env)

    assert url.render_as_string(hide_password=False) == (
        "postgresql+psycopg://rasa:s3cr3t@db.internal:5432/rasa"
    )


def test_the_tracker_store_make_run_configures_is_the_one_pruned() -> None:
    # endpoints.yml names our compacting SQL store (same events table): pruning must find it.
    url = retention().tracker_url(REPO / "endpoints.yml", {})

    assert url.drivername == "sqlite"
    assert url.database == str(REPO / "var" / "rasa_tracker.db")


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections work in a new, empty schema (dropped at the end)."""
    with fresh_postgres_schema("tracker_test") as url:
        yield url


@pytest.mark.postgres
def test_an_old_conversation_stays_in_the_postgresql_tracker_store_no_longer_than_the_retention(
    postgres_schema_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = create_engine(postgres_schema_url)
    fill(engine)

    status = retention().main(
        [], env={"TRACKER_DB_URL": postgres_schema_url, "TRACKER_RETENTION_DAYS": "30"}
    )

    assert status == 0
    assert senders(engine) == {"tg:long": 2, "tg:new": 1}
    assert OLD_SECRET_TEXT not in everything_stored(engine)
    assert "removed 1 conversation(s), 2 event(s)" in capsys.readouterr().out
    engine.dispose()
