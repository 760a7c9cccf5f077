"""Engine, session factory and unit of work (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bank.settings import PRIVATE_FILE_MODE, make_private_dir

SQLITE_BUSY_TIMEOUT_MS = 15000

SessionFactory = sessionmaker[Session]


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL, a busy timeout and write-ahead locking."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # hide_parameters: a failed statement's message never quotes the values (an SMS text
        # with its code, a hash), in exceptions or in logs.
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
        _hide_server_details(engine)
        return engine
    in_memory = parsed.database in (None, "", ":memory:")
    if not in_memory and parsed.database is not None:
        _create_private_file(Path(parsed.database))
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False},
        "hide_parameters": True,
    }
    if in_memory:
        # One shared connection, or every checkout would see a new empty database.
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    _configure_sqlite(engine, wal=not in_memory)
    return engine


def _hide_server_details(engine: Engine) -> None:
    """Keep only the first line of a server error: PostgreSQL's DETAIL quotes the failing row
    ("Failing row contains (..., Tu código es 493817)"), which would reach exception texts and
    logs. The error's type, SQLSTATE and diagnostics stay for the code that handles it."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        original = context.original_exception
        text = str(original)
        first_line = text.split("\n", 1)[0]
        if first_line == text:
            return
        original.args = (first_line,)
        wrapped = context.sqlalchemy_exception
        if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
            # SQLAlchemy already quoted the driver's message when it wrapped it.
            wrapped.args = (wrapped.args[0].replace(text, first_line), *wrapped.args[1:])


def _create_private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (its -wal and -shm files inherit the
    mode), and tighten an existing one.

    An existing file is never opened here: closing any descriptor of a file drops every POSIX
    lock this process holds on it, SQLite's included. Another process closing its last
    connection would then take itself for the last user and delete the write-ahead log, and
    this process's connections would go on reading the old data.
    """
    if path.parent != Path() and not path.parent.exists():
        make_private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(descriptor)
    path.chmod(PRIVATE_FILE_MODE)


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide where transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: concurrent units of work queue behind the busy timeout
        # instead of failing when a read snapshot goes stale, and savepoints work.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions bound to `engine`; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(session_factory: SessionFactory) -> Iterator[Session]:
    """Yield a session that commits when the block succeeds and rolls back otherwise."""
    session = session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
