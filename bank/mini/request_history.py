"""What the family sees of past money: a Cuenta Mini's movements and requests, and the requests
waiting for a parent's decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.mini.amounts import money_text
from bank.mini.family import Parent, first_name, own_child
from bank.mini.outcome import MiniCode
from bank.mini.request_asking import request_view
from bank.mini.wallets import balance_of, mini_account_code, parent_account_code
from bank.models import (
    REQUEST_PENDING,
    LedgerAccount,
    LedgerEntry,
    LedgerTransfer,
    MiniAccount,
    MiniRequest,
)
from bank.outcome import Outcome


def account_history(session: Session, account: MiniAccount, limit: int) -> dict[str, Any]:
    """A Cuenta Mini's balance, newest movements and newest requests (any state)."""
    code = mini_account_code(account.id)
    rows = session.execute(
        select(LedgerEntry, LedgerTransfer)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerAccount.code == code)
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    ).all()
    movements = [
        {
            "kind": transfer.kind,
            "memo": transfer.memo,
            "amount": money_text(Decimal(entry.amount)),
            "balance_after": money_text(Decimal(entry.balance_after)),
            "at": entry.created_at.isoformat(timespec="minutes"),
        }
        for entry, transfer in rows
    ]
    requests = session.scalars(
        select(MiniRequest)
        .where(MiniRequest.mini_account_id == account.id)
        .order_by(MiniRequest.id.desc())
        .limit(limit)
    )
    return {
        "balance": money_text(balance_of(session, code)),
        "movements": movements,
        "requests": [request_view(request, account) for request in requests],
    }


def pending_for_parent(session: Session, parent: Parent) -> Outcome:
    """`ok` (data.requests: the parent's children's pending requests, oldest first;
    data.balance: the parent's account)."""
    rows = session.execute(
        select(MiniRequest, MiniAccount)
        .join(MiniAccount, MiniAccount.id == MiniRequest.mini_account_id)
        .where(
            MiniAccount.parent_id == parent.customer_id,
            MiniRequest.state == REQUEST_PENDING,
        )
        .order_by(MiniRequest.id)
    ).all()
    balance = balance_of(session, parent_account_code(parent.customer_id))
    return Outcome(
        MiniCode.OK,
        None,
        {
            "requests": [request_view(request, account) for request, account in rows],
            "balance": money_text(balance),
        },
    )


def child_overview(session: Session, parent: Parent, *, child_ref: str, limit: int) -> Outcome:
    """One of the parent's children: `ok` (data: child, balance, movements, requests) or
    `unknown`."""
    account = own_child(session, parent, child_ref)
    if account is None:
        return Outcome(MiniCode.UNKNOWN, None)
    data = account_history(session, account, limit)
    return Outcome(MiniCode.OK, None, {"child": first_name(account), **data})
