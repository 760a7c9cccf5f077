"""Reads that do not queue behind writers: bank.db.read_only_work on SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError

from bank.db import make_engine, make_session_factory, read_only_work, unit_of_work


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "bank.db"
    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(make_session_factory(engine)) as session:
        session.execute(text("CREATE TABLE steps (chat TEXT PRIMARY KEY, step TEXT)"))
        session.execute(text("INSERT INTO steps VALUES ('chat-1', 'pin')"))
    engine.dispose()
    return path


def impatient_engine(database: Path) -> Engine:
    """The bank's engine with a 50 ms busy timeout: whatever waits for the writer fails at once."""
    engine = make_engine(f"sqlite:///{database}")

    @event.listens_for(engine, "connect")
    def _impatient(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    return engine


def test_a_read_only_unit_of_work_reads_while_another_chat_holds_the_write_lock(
    database: Path,
) -> None:
    engine = impatient_engine(database)
    sessions = make_session_factory(engine)
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE steps SET step = 'otp' WHERE chat = 'chat-1'")
        with read_only_work(sessions) as session:
            step = session.execute(text("SELECT step FROM steps WHERE chat = 'chat-1'")).scalar()
        # The reader sees the last committed step, not the writer's uncommitted one.
        assert step == "pin"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()


def test_a_unit_of_work_that_writes_still_waits_for_the_write_lock(database: Path) -> None:
    engine = impatient_engine(database)
    sessions = make_session_factory(engine)
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"), unit_of_work(sessions) as session:
            session.execute(text("SELECT step FROM steps")).scalar()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()


def test_nothing_written_in_a_read_only_unit_of_work_is_kept(database: Path) -> None:
    engine = make_engine(f"sqlite:///{database}")
    sessions = make_session_factory(engine)
    with read_only_work(sessions) as session:
        session.execute(text("UPDATE steps SET step = 'otp' WHERE chat = 'chat-1'"))
    with read_only_work(sessions) as session:
        assert session.execute(text("SELECT step FROM steps")).scalar() == "pin"
    engine.dispose()
