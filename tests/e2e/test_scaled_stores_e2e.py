"""The scaled set-up: bank and Rasa tracker store on PostgreSQL, Rasa lock store on Redis."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import redis

from bank.bootstrap import build_bank
from bank.settings import load_settings
from bot.conversation import Conversation
from bot.conversation_stores import InMemoryPendingInputStore
from bot.rasa_client import RasaClient
from tests.support.journeys import Customer, Secrets, register_maria_jose
from tests.support.servers import Servers, current_model

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379"


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    """Two fresh PostgreSQL databases (bank, tracker store), dropped afterwards."""
    suffix = secrets.token_hex(4)
    names = (f"e2e_bank_{suffix}", f"e2e_tracker_{suffix}")
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        for name in names:
            admin.execute(f"CREATE DATABASE {name}")
    try:
        yield names
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def scaled(
    tmp_path_factory: pytest.TempPathFactory, databases: tuple[str, str]
) -> Iterator[Servers]:
    bank_db, tracker_db = databases
    running = Servers(
        workdir=Path(tmp_path_factory.mktemp("scaled")),
        model=current_model(),
        bank_url=f"postgresql+psycopg://postgres@127.0.0.1:5432/{bank_db}",
        tracker_url=f"postgresql://postgres@127.0.0.1:5432/{tracker_db}",
        lock_store_url=REDIS,
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


def all_rows_as_text(url: str) -> str:
    """Every row of every table of a PostgreSQL database, as text."""
    with psycopg.connect(url) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        return "\n".join(
            str(row[0])
            for table in tables
            for row in db.execute(f'SELECT t::text FROM "{table}" t').fetchall()
        )


async def test_registration_on_postgres_and_redis_keeps_no_secret(
    scaled: Servers, databases: tuple[str, str]
) -> None:
    bank = build_bank(load_settings(scaled.env()))
    sentinels = Secrets(password="Postgres7Centinela", first_name="Xylofanteo")
    sender_id = f"e2e:{secrets.token_hex(4)}"
    lock_key = f"e2e{scaled.rasa_port}:lock:{sender_id}"
    lock_seen = threading.Event()
    done = threading.Event()

    def watch_redis_lock() -> None:
        """Rasa holds the conversation's lock in Redis while it handles each message."""
        client = redis.Redis.from_url(f"{REDIS}/1")
        while not done.is_set():
            if client.exists(lock_key):
                lock_seen.set()
            done.wait(0.002)

    watcher = threading.Thread(target=watch_redis_lock, daemon=True)
    watcher.start()
    try:
        async with httpx.AsyncClient() as http:
            customer = Customer(
                conversation=Conversation(
                    RasaClient(http, scaled.rasa_url, timeout=60.0),
                    bank.secret_box,
                    InMemoryPendingInputStore(),
                ),
                sender_id=sender_id,
                env=scaled.env(),
                step_of=lambda sender: bank.registration.current_step(sender_id=sender),
            )
            await register_maria_jose(customer, sentinels, username="mjpostgres01")
    finally:
        done.set()
        watcher.join(timeout=5)
        bank.dispose()

    assert lock_seen.is_set(), "Rasa's conversation lock never appeared in Redis"
    bank_db, tracker_db = databases
    tracker_rows = all_rows_as_text(f"postgresql://postgres@127.0.0.1:5432/{tracker_db}")
    bank_rows = all_rows_as_text(f"postgresql://postgres@127.0.0.1:5432/{bank_db}")
    assert customer.sender_id in tracker_rows, "the tracker store is on PostgreSQL"
    assert "mjpostgres01" in bank_rows, "the user was created in the PostgreSQL bank"
    for sentinel in (sentinels.password, sentinels.first_name):
        assert sentinel not in tracker_rows
        assert sentinel not in bank_rows
        for name, log in scaled.logs().items():
            assert sentinel.encode() not in log, f"{sentinel} in {name}"
