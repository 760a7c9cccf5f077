"""Drivers for the Cuenta Mini money tests: Andrea signed in, Carlos signed in, balances."""

from __future__ import annotations

from decimal import Decimal

from mini_journey_helpers import (
    CHILD_CHAT,
    PARENT_CHAT,
    PICTURES,
    account_ref,
    carlos_id,
    expect,
    registration_to_finish,
    sign_in_carlos,
)

from bank.bootstrap import Bank
from bank.mini.wallets import mini_account_code, parent_account_code

ANDREA_USERNAME = "andreita2015"

__all__ = ["CHILD_CHAT", "PARENT_CHAT", "expect", "sign_in_carlos"]


def sign_in_andrea(bank: Bank, chat: str = CHILD_CHAT) -> None:
    """Andrea's user is created (once) and she signs in from `chat`."""
    if bank.child_users.check_username(ANDREA_USERNAME).code == "available":
        registration_to_finish(bank, chat, username=ANDREA_USERNAME)
        expect(bank.mini_registration.complete(sender_id=chat), "completed")
    sign_in = bank.mini_sign_in
    sign_in.start(sender_id=chat)
    expect(sign_in.submit_username(sender_id=chat, text=ANDREA_USERNAME), "ok")
    expect(sign_in.submit_picture_password(sender_id=chat, picture_ids=PICTURES), "signed_in")


def andrea_balance(bank: Bank) -> Decimal | None:
    """Andrea's Cuenta Mini balance."""
    return bank.ledger.balance(mini_account_code(int(account_ref(bank))))


def carlos_balance(bank: Bank) -> Decimal | None:
    """Carlos's savings balance."""
    return bank.ledger.balance(parent_account_code(carlos_id(bank)))
