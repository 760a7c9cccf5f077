"""The double-entry ledger: balanced transfers, no negative balances, exact decimals, one move
per key (retries, double taps and races), on SQLite here and on PostgreSQL in
test_postgres_ledger.py."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.ledger import open_account, parse_amount
from bank.models import AuditEntry, LedgerEntry

# Accounts of their own: the demo data opens the family accounts and the clearing account.
PARENT, CHILD, BANK = "test:parent:savings", "test:mini", "test:clearing"


def open_accounts(bank: Bank) -> None:
    """A parent's account funded with $100.00 and an empty Cuenta Mini."""
    with unit_of_work(bank.sessions) as session:
        now = bank.clock.now()
        open_account(session, code=PARENT, owner_kind="customer", owner_id=1, now=now)
        open_account(session, code=CHILD, owner_kind="mini", owner_id=1, now=now)
        open_account(
            session, code=BANK, owner_kind="bank", owner_id=None, now=now, allow_negative=True
        )
    funded = bank.ledger.transfer(key="fund", debit=BANK, credit=PARENT, amount="100", kind="fund")
    assert funded.code == "done"


def entries_sum(bank: Bank) -> Decimal:
    with unit_of_work(bank.sessions) as session:
        return Decimal(session.scalar(select(func.sum(LedgerEntry.amount))) or 0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12.5", Decimal("12.50")),
        ("12,50", Decimal("12.50")),
        ("$ 3", Decimal("3.00")),
        (Decimal("0.01"), Decimal("0.01")),
        ("0.001", None),
        ("-5", None),
        ("0", None),
        ("abc", None),
        ("NaN", None),
        ("Infinity", None),
        (0.1, None),
        ("1000000.01", None),
    ],
)
def test_amounts_are_exact_positive_cents(typed: object, expected: Decimal | None) -> None:
    assert parse_amount(typed) == expected


def test_a_transfer_is_balanced_and_moves_exact_cents(bank: Bank) -> None:
    open_accounts(bank)
    for index in range(10):
        result = bank.ledger.transfer(
            key=f"t{index}", debit=PARENT, credit=CHILD, amount="0.10", kind="request"
        )
        assert result.code == "done"
    assert bank.ledger.balance(PARENT) == Decimal("99.00")
    assert bank.ledger.balance(CHILD) == Decimal("1.00")
    assert bank.ledger.balance(BANK) == Decimal("-100.00")
    assert entries_sum(bank) == 0, "every transfer's entries sum to zero"
    newest = bank.ledger.history(CHILD)[0]
    assert (newest.amount, newest.balance_after, newest.kind) == (
        Decimal("0.10"),
        Decimal("1.00"),
        "request",
    )


def test_no_account_goes_negative(bank: Bank) -> None:
    open_accounts(bank)
    refused = bank.ledger.transfer(key="big", debit=PARENT, credit=CHILD, amount="100.01", kind="x")
    assert refused.code == "insufficient_funds"
    exact = bank.ledger.transfer(key="all", debit=PARENT, credit=CHILD, amount="100.00", kind="x")
    assert exact.code == "done" and exact.debit_balance == Decimal("0.00")
    assert bank.ledger.balance(PARENT) == Decimal("0.00")


def test_a_key_moves_money_once(bank: Bank) -> None:
    open_accounts(bank)
    first = bank.ledger.transfer(key="req-7", debit=PARENT, credit=CHILD, amount="5", kind="x")
    again = bank.ledger.transfer(key="req-7", debit=PARENT, credit=CHILD, amount="5", kind="x")
    assert (first.code, again.code) == ("done", "duplicate")
    assert bank.ledger.balance(CHILD) == Decimal("5.00")


def test_bad_requests_move_nothing(bank: Bank) -> None:
    open_accounts(bank)
    results = [
        bank.ledger.transfer(key="a", debit=PARENT, credit=CHILD, amount="-1", kind="x").code,
        bank.ledger.transfer(key="b", debit=PARENT, credit=PARENT, amount="1", kind="x").code,
        bank.ledger.transfer(key="c", debit=PARENT, credit="nobody", amount="1", kind="x").code,
    ]
    assert results == ["invalid_amount", "same_account", "unknown_account"]
    assert bank.ledger.balance(PARENT) == Decimal("100.00")
    assert bank.ledger.balance("nobody") is None


def test_every_transfer_is_audited(bank: Bank) -> None:
    open_accounts(bank)
    bank.ledger.transfer(key="aud", debit=PARENT, credit=CHILD, amount="2", kind="withdrawal")
    with unit_of_work(bank.sessions) as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert "ledger_withdrawal" in actions


def test_racing_transfers_on_a_sqlite_file_never_overdraw(file_bank: Bank) -> None:
    open_accounts(file_bank)
    barrier, codes = threading.Barrier(6), []

    def spend(index: int) -> None:
        barrier.wait()
        codes.append(
            file_bank.ledger.transfer(
                key=f"r{index}", debit=PARENT, credit=CHILD, amount="30", kind="x"
            ).code
        )

    threads = [threading.Thread(target=spend, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == ["done"] * 3 + ["insufficient_funds"] * 3
    assert file_bank.ledger.balance(PARENT) == Decimal("10.00")
    assert entries_sum(file_bank) == 0
