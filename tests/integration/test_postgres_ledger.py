"""The ledger on PostgreSQL: racing transfers never overdraw and a raced key moves money once.

Same fixtures as test_postgres.py (a fresh schema, migrated by Alembic, dropped at the end).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_bank_ledger import CHILD, PARENT, entries_sum, open_accounts
from test_postgres import migrated, pg_bank, schema_url  # noqa: F401 (fixtures)

from bank.bootstrap import Bank
from tests.support.concurrency import race

pytestmark = pytest.mark.postgres


def test_racing_spends_never_overdraw(pg_bank: Bank) -> None:  # noqa: F811
    open_accounts(pg_bank)
    codes = race(
        8,
        lambda i: (
            pg_bank.ledger.transfer(
                key=f"pg-r{i}", debit=PARENT, credit=CHILD, amount="30", kind="x"
            ).code
        ),
    )
    assert sorted(codes) == ["done"] * 3 + ["insufficient_funds"] * 5
    assert pg_bank.ledger.balance(PARENT) == Decimal("10.00")
    assert pg_bank.ledger.balance(CHILD) == Decimal("90.00")
    assert entries_sum(pg_bank) == 0


def test_a_raced_key_moves_money_once(pg_bank: Bank) -> None:  # noqa: F811
    open_accounts(pg_bank)
    codes = race(
        6,
        lambda _: (
            pg_bank.ledger.transfer(
                key="pg-same", debit=PARENT, credit=CHILD, amount="7.25", kind="x"
            ).code
        ),
    )
    assert sorted(codes) == ["done"] + ["duplicate"] * 5
    assert pg_bank.ledger.balance(CHILD) == Decimal("7.25")


def test_opposite_transfers_at_once_do_not_deadlock(pg_bank: Bank) -> None:  # noqa: F811
    open_accounts(pg_bank)
    seeded = pg_bank.ledger.transfer(key="seed", debit=PARENT, credit=CHILD, amount="50", kind="x")
    assert seeded.code == "done"
    codes = race(
        8,
        lambda i: (
            pg_bank.ledger.transfer(
                key=f"pg-o{i}",
                debit=PARENT if i % 2 else CHILD,
                credit=CHILD if i % 2 else PARENT,
                amount="1",
                kind="x",
            ).code
        ),
    )
    assert codes.count("done") == 8
    assert pg_bank.ledger.balance(PARENT) == Decimal("50.00")
    assert entries_sum(pg_bank) == 0
