"""The double-entry ledger: accounts, transfers and their entries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import MONEY, Base


class LedgerAccount(Base):
    """An account of the double-entry ledger (a parent's account, a Cuenta Mini, the bank's own).

    `balance` is the sum of the account's entries, kept up to date inside the transfer that posts
    them (the account row is locked first), so a balance check and the posting are one step.
    """

    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(Integer, default=None)
    balance: Mapped[Decimal] = mapped_column(MONEY)
    # Only the bank's own clearing account may go below zero (it stands for money from outside).
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LedgerTransfer(Base):
    """One balanced movement of money; its key makes a retried request move money once."""

    __tablename__ = "ledger_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LedgerEntry(Base):
    """One side of a transfer: a signed amount on one account (a transfer's entries sum to 0)."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    balance_after: Mapped[Decimal] = mapped_column(MONEY)
    created_at: Mapped[datetime] = mapped_column(DateTime)
