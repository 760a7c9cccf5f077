"""What a child may ask of the parent's money, and withdraw of their own.

Limits (settings `mini_max_per_request`, `mini_max_per_day`) cap what a child may ask of the
parent's money in one request and in one Ecuador calendar day (pending and approved requests
count, rejected ones do not). A withdrawal is capped by the balance not already promised to
another pending withdrawal. A child has at most `MAX_PENDING` requests waiting for the parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.clock import ecuador_day_start
from bank.ledger import ZERO
from bank.mini.amounts import money_text, read_amount
from bank.mini.family import Child
from bank.mini.outcome import MiniCode
from bank.mini.wallets import balance_of, mini_account_code
from bank.models import (
    REQUEST_APPROVED,
    REQUEST_MONEY,
    REQUEST_PENDING,
    REQUEST_WITHDRAWAL,
    MiniRequest,
)
from bank.outcome import Outcome

MAX_PENDING: Final = 5
_COUNTED_STATES: Final = (REQUEST_PENDING, REQUEST_APPROVED)


@dataclass(frozen=True)
class Limits:
    """What a child may ask of the parent's money: per request and per Ecuador calendar day."""

    per_request: Decimal
    per_day: Decimal


def day_start(now: datetime) -> datetime:
    """The start (naive UTC) of the Ecuador calendar day that contains `now` (naive UTC)."""
    return ecuador_day_start(now)


def pending_count(session: Session, mini_account_id: int) -> int:
    """How many of the child's requests wait for the parent's decision."""
    count = session.scalar(
        select(func.count(MiniRequest.id)).where(
            MiniRequest.mini_account_id == mini_account_id,
            MiniRequest.state == REQUEST_PENDING,
        )
    )
    return int(count or 0)


def too_many_pending(session: Session, mini_account_id: int) -> Outcome | None:
    """`too_many_pending` (data.max) when the child may not ask more yet, else None."""
    if pending_count(session, mini_account_id) >= MAX_PENDING:
        return Outcome(MiniCode.TOO_MANY_PENDING, None, {"max": MAX_PENDING})
    return None


def _asked_today(session: Session, mini_account_id: int, now: datetime) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(MiniRequest.amount), 0)).where(
            MiniRequest.mini_account_id == mini_account_id,
            MiniRequest.kind == REQUEST_MONEY,
            MiniRequest.state.in_(_COUNTED_STATES),
            MiniRequest.created_at >= day_start(now),
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _promised(session: Session, mini_account_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(MiniRequest.amount), 0)).where(
            MiniRequest.mini_account_id == mini_account_id,
            MiniRequest.kind == REQUEST_WITHDRAWAL,
            MiniRequest.state == REQUEST_PENDING,
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def withdrawable_balance(session: Session, mini_account_id: int) -> tuple[Decimal, Decimal]:
    """The child's balance, and the part of it not promised to a pending withdrawal."""
    balance = balance_of(session, mini_account_code(mini_account_id))
    return balance, max(balance - _promised(session, mini_account_id), ZERO)


def check_money_amount(
    session: Session, child: Child, text: str, *, limits: Limits, now: datetime
) -> Outcome:
    """`ok` (data.amount), `invalid_amount`, `over_request_limit` (data.max) or
    `over_daily_limit` (data.left, data.max)."""
    amount = read_amount(text)
    if amount is None:
        return Outcome(MiniCode.INVALID_AMOUNT, None)
    if amount > limits.per_request:
        return Outcome(MiniCode.OVER_REQUEST_LIMIT, None, {"max": money_text(limits.per_request)})
    left = max(limits.per_day - _asked_today(session, child.mini_account_id, now), ZERO)
    if amount > left:
        return Outcome(
            MiniCode.OVER_DAILY_LIMIT,
            None,
            {"left": money_text(left), "max": money_text(limits.per_day)},
        )
    return Outcome(MiniCode.OK, None, {"amount": money_text(amount)})


def check_withdrawal_amount(session: Session, child: Child, text: str) -> Outcome:
    """`ok` (data.amount), `invalid_amount` or `insufficient_funds` (data.available)."""
    amount = read_amount(text)
    if amount is None:
        return Outcome(MiniCode.INVALID_AMOUNT, None)
    _, available = withdrawable_balance(session, child.mini_account_id)
    if amount > available:
        return Outcome(MiniCode.INSUFFICIENT_FUNDS, None, {"available": money_text(available)})
    return Outcome(MiniCode.OK, None, {"amount": money_text(amount)})
