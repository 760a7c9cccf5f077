"""The double-entry ledger: every movement of money is one balanced transfer between two accounts.

Amounts are exact decimals in US dollars with at most 2 decimal places. A transfer locks both
accounts (in id order, so two transfers never wait on each other in a cycle), refuses to take an
account below zero, posts one debit and one credit that sum to zero, and updates both balances,
all in one unit of work. Its idempotency key is unique: a retried, double-tapped or raced request
with the same key moves money once and reports `duplicate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.models import LedgerAccount, LedgerEntry, LedgerTransfer

CENT: Final = Decimal("0.01")
MAX_AMOUNT: Final = Decimal("1000000.00")
ZERO: Final = Decimal("0.00")
_PLAIN_AMOUNT: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class TransferResult:
    """`done`, `duplicate` (this key already moved money), `insufficient_funds`,
    `invalid_amount`, `unknown_account` or `same_account`; balances after a `done`."""

    code: str
    transfer_id: int | None = None
    debit_balance: Decimal | None = None
    credit_balance: Decimal | None = None


@dataclass(frozen=True)
class Movement:
    """One entry of an account's history."""

    transfer_id: int
    kind: str
    memo: str
    amount: Decimal
    balance_after: Decimal


def parse_amount(value: object) -> Decimal | None:
    """A positive amount with at most 2 decimals ("12.5", "12,50", Decimal), or None."""
    if isinstance(value, float | bool):
        return None  # floats are never exact; callers pass text or Decimal
    text = str(value).strip().replace("$", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not isinstance(value, Decimal) and not _PLAIN_AMOUNT.fullmatch(text):
        return None  # no exponents, signs or thousands separators in typed amounts
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        return None
    if amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


def open_account(
    session: Session,
    *,
    code: str,
    owner_kind: str,
    owner_id: int | None,
    now: datetime,
    allow_negative: bool = False,
) -> LedgerAccount:
    """The account with this code, created with a zero balance if it does not exist yet."""
    existing = session.scalar(select(LedgerAccount).where(LedgerAccount.code == code))
    if existing is not None:
        return existing
    account = LedgerAccount(
        code=code,
        owner_kind=owner_kind,
        owner_id=owner_id,
        balance=ZERO,
        allow_negative=allow_negative,
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account


class Ledger:
    """Transfers, balances and histories; each call is its own unit of work."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def transfer(
        self,
        *,
        key: str,
        debit: str,
        credit: str,
        amount: object,
        kind: str,
        memo: str = "",
        actor: str = "bank",
    ) -> TransferResult:
        """Move `amount` from the account coded `debit` to the one coded `credit`, once per key."""
        exact = parse_amount(amount)
        if exact is None:
            return TransferResult("invalid_amount")
        if debit == credit:
            return TransferResult("same_account")
        try:
            with unit_of_work(self._sessions) as session:
                return post_transfer(
                    session,
                    now=self._clock.now(),
                    key=key,
                    debit_code=debit,
                    credit_code=credit,
                    amount=exact,
                    kind=kind,
                    memo=memo,
                    actor=actor,
                )
        except IntegrityError:
            # Another request with the same key committed first: it moved the money.
            return TransferResult("duplicate")

    def balance(self, code: str) -> Decimal | None:
        """The account's balance, or None when there is no such account."""
        with unit_of_work(self._sessions) as session:
            value = session.scalar(select(LedgerAccount.balance).where(LedgerAccount.code == code))
            return None if value is None else Decimal(value).quantize(CENT)

    def history(self, code: str, *, limit: int = 50) -> list[Movement]:
        """The account's newest movements first."""
        with unit_of_work(self._sessions) as session:
            rows = session.execute(
                select(LedgerEntry, LedgerTransfer)
                .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
                .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
                .where(LedgerAccount.code == code)
                .order_by(LedgerEntry.id.desc())
                .limit(limit)
            ).all()
            return [
                Movement(
                    transfer_id=transfer.id,
                    kind=transfer.kind,
                    memo=transfer.memo,
                    amount=Decimal(entry.amount).quantize(CENT),
                    balance_after=Decimal(entry.balance_after).quantize(CENT),
                )
                for entry, transfer in rows
            ]


def post_transfer(
    session: Session,
    *,
    now: datetime,
    key: str,
    debit_code: str,
    credit_code: str,
    amount: Decimal,
    kind: str,
    memo: str = "",
    actor: str = "bank",
) -> TransferResult:
    """Post a transfer inside the caller's unit of work (which must be the one to commit).

    `amount` must come from `parse_amount`. A duplicate key found here returns `duplicate`; one
    committed by a racing request meanwhile raises IntegrityError at the flush.
    """
    if debit_code == credit_code:
        return TransferResult("same_account")
    if session.scalar(select(LedgerTransfer.id).where(LedgerTransfer.idempotency_key == key)):
        return TransferResult("duplicate")
    accounts = {
        account.code: account
        for account in session.scalars(
            select(LedgerAccount)
            .where(LedgerAccount.code.in_([debit_code, credit_code]))
            .order_by(LedgerAccount.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    debit, credit = accounts.get(debit_code), accounts.get(credit_code)
    if debit is None or credit is None:
        return TransferResult("unknown_account")
    debit_after = Decimal(debit.balance) - amount
    if debit_after < 0 and not debit.allow_negative:
        return TransferResult("insufficient_funds")
    credit_after = Decimal(credit.balance) + amount
    transfer = LedgerTransfer(idempotency_key=key, kind=kind, memo=memo[:200], created_at=now)
    session.add(transfer)
    session.flush()  # a duplicate key fails here, before any balance moves
    debit.balance, credit.balance = debit_after, credit_after
    session.add_all(
        [
            LedgerEntry(
                transfer_id=transfer.id,
                account_id=debit.id,
                amount=-amount,
                balance_after=debit_after,
                created_at=now,
            ),
            LedgerEntry(
                transfer_id=transfer.id,
                account_id=credit.id,
                amount=amount,
                balance_after=credit_after,
                created_at=now,
            ),
        ]
    )
    record_audit(
        session,
        at=now,
        actor=actor,
        action=f"ledger_{kind}",
        subject=f"transfer:{transfer.id}",
        details={"debit": debit_code, "credit": credit_code, "amount": str(amount)},
    )
    return TransferResult(
        "done",
        transfer_id=transfer.id,
        debit_balance=debit_after.quantize(CENT),
        credit_balance=credit_after.quantize(CENT),
    )
