"""Where a Cuenta Mini's money lives in the ledger: the child's account and the parent's.

The Cuenta Mini has no debit card or savings book: every movement goes to or from the parent's
account. Ledger accounts are opened on first use (the parent's stands for their savings account
in the core banking system; the demo data gives Carlos a balance).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.ledger import CENT, ZERO, open_account
from bank.models import LedgerAccount, MiniAccount

CLEARING: Final = "bank:clearing"


def parent_account_code(customer_id: int) -> str:
    """The ledger code of a parent's savings account."""
    return f"customer:{customer_id}:savings"


def mini_account_code(mini_account_id: int) -> str:
    """The ledger code of a child's Cuenta Mini."""
    return f"mini:{mini_account_id}"


def open_family_accounts(session: Session, account: MiniAccount, now: datetime) -> None:
    """Make sure the child's and the parent's ledger accounts exist (inside the caller's work)."""
    open_account(
        session,
        code=parent_account_code(account.parent_id),
        owner_kind="customer",
        owner_id=account.parent_id,
        now=now,
    )
    open_account(
        session, code=mini_account_code(account.id), owner_kind="mini", owner_id=account.id, now=now
    )


def open_clearing(session: Session, now: datetime) -> None:
    """The bank's own clearing account (the only one allowed below zero)."""
    open_account(
        session, code=CLEARING, owner_kind="bank", owner_id=None, now=now, allow_negative=True
    )


def balance_of(session: Session, code: str) -> Decimal:
    """The balance of the account coded `code` (zero when it has not been opened yet)."""
    value = session.scalar(select(LedgerAccount.balance).where(LedgerAccount.code == code))
    return ZERO if value is None else Decimal(value).quantize(CENT)
