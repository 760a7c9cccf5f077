"""Drivers for the Cuenta Mini journey tests: chats, codes, journeys up to a step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS, CARLOS_PASSWORD, CARLOS_USERNAME
from bank.models import Customer, Journey, MiniAccount
from bank.outcome import Outcome

CHILD_CHAT = "tg:2001"
PARENT_CHAT = "tg:1003"
PICTURES = ["pic_star", "pic_fish", "pic_star", "pic_kite"]
OTHER_PICTURES = ["pic_fish", "pic_star", "pic_star", "pic_kite"]


def expect(outcome: Outcome, code: str, step: str | None = None) -> Outcome:
    """Assert the outcome's code (and step), showing the whole outcome when it differs."""
    assert outcome.code == code, outcome
    if step is not None:
        assert outcome.step == step, outcome
    return outcome


def carlos_id(bank: Bank) -> int:
    """Carlos's customer id."""
    with unit_of_work(bank.sessions) as session:
        found = session.scalar(select(Customer.id).where(Customer.id_number == CARLOS.id_number))
    assert found is not None
    return int(found)


def account_ref(bank: Bank, cedula: str = ANDREA.cedula) -> str:
    """The child_ref (account id as text) of a child."""
    with unit_of_work(bank.sessions) as session:
        found = session.scalar(select(MiniAccount.id).where(MiniAccount.child_cedula == cedula))
    assert found is not None
    return str(found)


def sign_in_carlos(bank: Bank, chat: str = PARENT_CHAT) -> None:
    """Carlos signs in to "Cuenta para mis hijos" from `chat` (which links his chat)."""
    result = bank.parent_sign_in.sign_in(
        sender_id=chat, username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert result.code == "signed_in", result


def new_code(bank: Bank, cedula: str = ANDREA.cedula) -> str:
    """A fresh activation code Carlos generated for his child."""
    issue = bank.activation_codes.generate(parent_id=carlos_id(bank), child_cedula=cedula)
    assert issue.code == "issued" and issue.activation_code is not None, issue
    return issue.activation_code


def journey_row(bank: Bank, kind: str, chat: str) -> Journey:
    """The chat's latest journey of `kind`."""
    with unit_of_work(bank.sessions) as session:
        found = session.scalar(
            select(Journey)
            .where(Journey.kind == kind, Journey.sender_id == chat)
            .order_by(Journey.id.desc())
            .limit(1)
        )
    assert found is not None
    return found


def journey_data(bank: Bank, kind: str, chat: str) -> dict[str, Any]:
    """The data the chat's latest journey of `kind` stores."""
    return dict(journey_row(bank, kind, chat).data)


def registration_to_avatar(bank: Bank, chat: str = CHILD_CHAT, cedula: str = ANDREA.cedula) -> None:
    """A child's registration with the cédula and a right code typed."""
    reg = bank.mini_registration
    reg.start(sender_id=chat)
    expect(reg.submit_cedula(sender_id=chat, text=cedula), "ok", "activation_code")
    code = new_code(bank, cedula)
    expect(reg.submit_activation_code(sender_id=chat, code=code), "ok", "avatar")


def registration_to_finish(
    bank: Bank, chat: str = CHILD_CHAT, *, username: str, cedula: str = ANDREA.cedula
) -> None:
    """A child's registration with every step answered."""
    reg = bank.mini_registration
    registration_to_avatar(bank, chat, cedula)
    expect(reg.submit_avatar(sender_id=chat, avatar_id="avatar_fox"), "ok", "username")
    expect(reg.submit_username(sender_id=chat, text=username), "ok", "picture_password")
    expect(reg.submit_picture_password(sender_id=chat, picture_ids=PICTURES), "ok")
    expect(
        reg.submit_picture_password_confirmation(sender_id=chat, picture_ids=PICTURES),
        "ok",
        "finish",
    )
