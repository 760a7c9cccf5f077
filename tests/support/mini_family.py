"""Andrea's Cuenta Mini user, made through the bank's own journey calls (no chat), for tests
that start where issue 4's journeys end."""

from __future__ import annotations

from typing import Final

from bank.bootstrap import Bank
from bank.demo import ANDREA, CARLOS_PASSWORD, CARLOS_USERNAME

ANDREA_USERNAME: Final = "andreita2015"
ANDREA_PICTURES: Final = ("pic_star", "pic_fish", "pic_star", "pic_kite")


def carlos_id(bank: Bank, *, chat: str = "setup:carlos") -> int:
    """Carlos's customer id (signed in and out of `chat` to learn it)."""
    signed = bank.parent_sign_in.sign_in(
        sender_id=chat, username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert signed.code == "signed_in"
    status = bank.parent_sign_in.current_parent(sender_id=chat)
    bank.parent_sign_in.sign_out(sender_id=chat)
    assert status.code == "active"
    return status.customer_id


def create_andreas_user(bank: Bank, *, chat: str = "setup:andrea") -> None:
    """Andrea registers from `chat` with a code Carlos generated."""
    reg = bank.mini_registration
    reg.start(sender_id=chat)
    assert reg.submit_cedula(sender_id=chat, text=ANDREA.cedula).code == "ok"
    issued = bank.activation_codes.generate(parent_id=carlos_id(bank), child_cedula=ANDREA.cedula)
    assert issued.activation_code is not None
    assert reg.submit_activation_code(sender_id=chat, code=issued.activation_code).code == "ok"
    assert reg.submit_avatar(sender_id=chat, avatar_id="avatar_fox").code == "ok"
    assert reg.submit_username(sender_id=chat, text=ANDREA_USERNAME).code == "ok"
    pictures = list(ANDREA_PICTURES)
    assert reg.submit_picture_password(sender_id=chat, picture_ids=pictures).code == "ok"
    confirmed = reg.submit_picture_password_confirmation(sender_id=chat, picture_ids=pictures)
    assert confirmed.code == "ok"
    assert reg.complete(sender_id=chat).code == "completed"


def sign_in_andrea(bank: Bank, *, chat: str) -> None:
    """Andrea's user is created, then she signs in from `chat`."""
    create_andreas_user(bank, chat=chat)
    bank.mini_sign_in.start(sender_id=chat)
    assert bank.mini_sign_in.submit_username(sender_id=chat, text=ANDREA_USERNAME).code == "ok"
    pictures = list(ANDREA_PICTURES)
    signed = bank.mini_sign_in.submit_picture_password(sender_id=chat, picture_ids=pictures)
    assert signed.code == "signed_in"
