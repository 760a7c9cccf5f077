"""Notices addressed to a chat (`queue_chat_notice`) beside customer notices; migration 0004."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from mini_journey_helpers import carlos_id, sign_in_carlos
from sqlalchemy import text

from bank.bootstrap import Bank
from bank.db import make_engine, unit_of_work
from bank.migrate import alembic_config, upgrade_database
from bank.notifications import queue_chat_notice, queue_notice


def test_chat_notices_go_to_their_chat_and_customer_notices_to_the_linked_one(
    bank: Bank,
) -> None:
    now = bank.clock.now()
    with unit_of_work(bank.sessions) as session:
        queue_notice(session, customer_id=carlos_id(bank), kind="for_carlos", now=now)
        queue_chat_notice(
            session, sender_id="tg:child", kind="mini_code_ready", data={"child": "Andrea"}, now=now
        )
    (chat_notice,) = bank.notifications.claim()
    assert (chat_notice.sender_id, chat_notice.kind, dict(chat_notice.data)) == (
        "tg:child",
        "mini_code_ready",
        {"child": "Andrea"},
    )
    sign_in_carlos(bank, "tg:carlos")
    (customer_notice,) = bank.notifications.claim()
    assert (customer_notice.sender_id, customer_notice.kind) == ("tg:carlos", "for_carlos")
    bank.notifications.failed(chat_notice.id)
    (again,) = bank.notifications.claim()
    assert again.id == chat_notice.id
    bank.notifications.delivered(again.id)
    assert bank.notifications.claim() == []


def test_migration_0004_goes_down_and_up_with_chat_notices(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO customer_notifications (customer_id, sender_id, kind, data,"
                    " created_at, attempts) VALUES (NULL, 'tg:1', 'mini_code_ready', '{}',"
                    " '2026-01-15 12:00:00', 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO scheduled_deletions (chat_key, message_id, delete_at, attempts)"
                    " VALUES ('tg:1', 12345678901, '2026-01-15 12:10:00', 0)"
                )
            )
        command.downgrade(alembic_config(url), "0003_mini_accounts")
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM customer_notifications"))
            assert count.scalar() == 0
        upgrade_database(url)
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM scheduled_deletions"))
            assert count.scalar() == 0
    finally:
        engine.dispose()
