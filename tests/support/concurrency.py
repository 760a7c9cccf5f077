"""Shared drivers for tests of races and of PostgreSQL: a thread race and a throw-away schema."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get(
    "BANK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def race(count: int, action: Callable[[int], str], *, timeout: float = 120.0) -> list[str]:
    """Run `action(i)` in `count` threads released at once; their results (errors re-raised)."""
    barrier = threading.Barrier(count)
    results: list[str] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results.append(action(index))
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
    assert len(results) == count, "a racing thread did not finish in time"
    return results


@contextmanager
def fresh_postgres_schema(prefix: str, server_url: str = POSTGRES_URL) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema, dropped at the end."""
    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in server_url else "?"
        yield f"{server_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
