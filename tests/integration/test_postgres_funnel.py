"""The funnel on PostgreSQL: the step history written by the listener, the audit rows' JSON
details and the tickets read back into the same figures as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bank_helpers import cheap_settings
from test_funnel_report import PERIOD, registration_story

from bank.bootstrap import Bank, build_bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.funnel import build_report, funnel_csv
from bank.migrate import upgrade_database
from tests.support.concurrency import fresh_postgres_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_bank(clock: FixedClock) -> Iterator[Bank]:
    """A migrated, seeded bank in a fresh PostgreSQL schema (dropped afterwards)."""
    with fresh_postgres_schema("bank_funnel") as url:
        upgrade_database(url)
        bank = build_bank(cheap_settings(url), clock)
        with unit_of_work(bank.sessions) as session:
            seed_demo(session, hasher=bank.hasher, clock=clock)
        yield bank
        bank.dispose()


def test_the_registration_funnel_on_postgres(pg_bank: Bank, clock: FixedClock) -> None:
    registration_story(pg_bank, clock)
    report = build_report(pg_bank.sessions, journey="registration", period=PERIOD, now=clock.now())

    assert (report.started, report.finished) == (4, 1)
    assert (report.locks, report.expired_codes, report.handoffs) == (1, 1, 1)
    pin = next(step for step in report.steps if step.step == "pin")
    assert (pin.reached, pin.locks, pin.handoffs) == (3, 1, 1)
    assert report.outcomes.finished_after_lock == 1
    assert "registration,2026-01-15,2026-01-17,total,,,4,,1," in funnel_csv(report)
