"""Several processes share the bank's SQLite file (action server, bot, the bank's CLI).

Building a second engine in a process that already holds connections must not drop that
process's SQLite locks: otherwise another process closing its last connection deletes the
write-ahead log, and this process keeps reading the data as it was (found by the e2e test that
restarts the action server).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import Engine, text

from bank.db import make_engine

REPO = Path(__file__).resolve().parents[3]


def _write_in_another_process(url: str) -> None:
    """Another process adds 1, then closes its last connection."""
    code = textwrap.dedent(
        f"""
        from sqlalchemy import text
        from bank.db import make_engine
        engine = make_engine({url!r})
        with engine.begin() as connection:
            connection.execute(text("UPDATE counter SET value = value + 1"))
        engine.dispose()
        """
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)


def _value(engine: Engine) -> int:
    with engine.begin() as connection:
        return int(connection.execute(text("SELECT value FROM counter")).scalar_one())


def test_a_second_engine_in_a_process_keeps_its_reads_current(tmp_path: Path) -> None:
    database = tmp_path / "bank.db"
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE counter (value INTEGER NOT NULL)"))
            connection.execute(text("INSERT INTO counter VALUES (1)"))
        assert _value(engine) == 1
        make_engine(url).dispose()  # a second bank wired in the same process
        _write_in_another_process(url)
        assert database.with_name("bank.db-wal").exists(), "the write-ahead log was deleted"
        _write_in_another_process(url)
        assert _value(engine) == 3
    finally:
        engine.dispose()


def test_the_file_stays_private_when_it_already_exists(tmp_path: Path) -> None:
    database = tmp_path / "bank.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert database.stat().st_mode & 0o777 == 0o600
