"""Cuenta Mini decisions on PostgreSQL: raced decisions decide once and move money once.

Same fixtures as test_postgres.py (a fresh schema, migrated by Alembic, dropped at the end).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from money_helpers import (
    CHILD_CHAT,
    PARENT_CHAT,
    andrea_balance,
    carlos_balance,
    expect,
    sign_in_andrea,
    sign_in_carlos,
)
from test_postgres import migrated, pg_bank, schema_url  # noqa: F401 (fixtures)

from bank.bootstrap import Bank
from tests.support.concurrency import race

pytestmark = pytest.mark.postgres
DESKTOP_CHAT = "tg:carlos-desktop"


def _family(bank: Bank) -> None:
    sign_in_andrea(bank)
    sign_in_carlos(bank)
    sign_in_carlos(bank, DESKTOP_CHAT)


def test_raced_decisions_from_two_chats_decide_once(pg_bank: Bank) -> None:  # noqa: F811
    _family(pg_bank)
    asked = pg_bank.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="7.25", reason="libro")
    ref = expect(asked, "asked").data["request"]["ref"]
    codes = race(
        8,
        lambda i: (
            pg_bank.mini_requests.decide(
                sender_id=(PARENT_CHAT, DESKTOP_CHAT)[i % 2], request_ref=ref, approve=i % 4 != 3
            ).code
        ),
    )
    decided = [code for code in codes if code != "already_decided"]
    assert len(decided) == 1, codes
    moved = Decimal("7.25") if decided == ["approved"] else Decimal("0")
    assert andrea_balance(pg_bank) == Decimal("10.00") + moved
    assert carlos_balance(pg_bank) == Decimal("500.00") - moved


def test_raced_withdrawal_requests_never_promise_more_than_the_balance(
    pg_bank: Bank,  # noqa: F811
) -> None:
    _family(pg_bank)
    codes = race(
        6,
        lambda _: pg_bank.mini_requests.ask_withdrawal(sender_id=CHILD_CHAT, amount="4").code,
    )
    assert sorted(codes) == ["asked", "asked"] + ["insufficient_funds"] * 4
    pending = expect(pg_bank.mini_requests.pending(sender_id=PARENT_CHAT), "ok").data["requests"]
    codes = race(
        2,
        lambda i: (
            pg_bank.mini_requests.decide(
                sender_id=PARENT_CHAT, request_ref=pending[i]["ref"], approve=True
            ).code
        ),
    )
    assert codes == ["approved", "approved"]
    assert andrea_balance(pg_bank) == Decimal("2.00")
    assert carlos_balance(pg_bank) == Decimal("508.00")


def test_raced_money_requests_respect_the_daily_limit(pg_bank: Bank) -> None:  # noqa: F811
    _family(pg_bank)
    codes = race(
        6,
        lambda _: (
            pg_bank.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="30", reason="útiles").code
        ),
    )
    assert sorted(codes) == ["asked"] * 3 + ["over_daily_limit"] * 3
