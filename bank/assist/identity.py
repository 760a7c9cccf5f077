"""Who a ticket or a phone call is about: the identity key, its masked form, its audit ref.

An identity is what the registration counts locks against (bank.identity): a person's RUC (their
cédula and RUC share it), a company's RUC, or a company's RUC plus an additional user's cédula.
A Cuenta Mini child is keyed by their cédula the same way. Agents only ever see the masked
number ("17******65"); audit rows carry `customer_ref`, a keyed hash of the key, so the audit can
be filtered by customer without holding the number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.identity import ADDITIONAL_SEPARATOR, mask_number, parse_identity_key
from bank.models import (
    COMPANY,
    PERSON,
    AdditionalUser,
    Customer,
    CustomerChat,
    Journey,
    MiniAccount,
    MiniUser,
    OnlineUser,
    ParentSession,
)
from bank.validators import CHILD_USERNAME_MAX, classify_identity_number, validate_cedula

PARENT_SIGNED_IN: Final = "active"  # bank.mini.parent_sign_in.ACTIVE


@dataclass(frozen=True)
class Identity:
    """A resolved identity. `verified`: proven in the chat (PIN, sign-in, activation code), as
    opposed to only typed. The ids say which bank records it is, when it is one."""

    key: str
    masked: str
    verified: bool = False
    customer_id: int | None = None
    additional_user_id: int | None = None
    mini_account_id: int | None = None

    @property
    def known(self) -> bool:
        """Whether the identity is a customer, an additional user or a Cuenta Mini child."""
        return self.customer_id is not None or self.mini_account_id is not None


def identity_from_text(session: Session, text: str, *, verified: bool = False) -> Identity | None:
    """The identity of a typed cédula, RUC or "RUC+cédula"; None when it is malformed."""
    try:
        key = parse_identity_key(text)
    except ValueError:
        return None
    ruc_text, separator, cedula_text = text.partition(ADDITIONAL_SEPARATOR)
    typed = classify_identity_number(ruc_text)
    if separator:
        cedula = validate_cedula(cedula_text).value
        return _additional(session, key, typed.number, cedula, verified)
    if typed.is_company:
        company = _customer(session, typed.number, COMPANY)
        return Identity(key, mask_number(typed.number), verified, company.id if company else None)
    person = _customer(session, typed.cedula, PERSON)
    mini_id = None
    if person is None:
        mini_id = session.scalar(
            select(MiniAccount.id).where(MiniAccount.child_cedula == typed.cedula)
        )
    return Identity(
        key,
        mask_number(typed.cedula),
        verified,
        customer_id=person.id if person else None,
        mini_account_id=mini_id,
    )


def identity_of_customer(
    session: Session, customer_id: int, additional_user_id: int | None, *, verified: bool
) -> Identity | None:
    """The identity of a customer (or of a company's additional user)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    text = customer.id_number
    if additional_user_id is not None:
        additional = session.get(AdditionalUser, additional_user_id)
        person = session.get(Customer, additional.person_id) if additional else None
        if person is not None:
            text = f"{customer.id_number}{ADDITIONAL_SEPARATOR}{person.id_number}"
    return identity_from_text(session, text, verified=verified)


def identity_of_journey(session: Session, journey: Journey) -> Identity | None:
    """Who a journey is about, as far as the journey knows (None when it does not yet)."""
    data: Mapping[str, Any] = journey.data or {}
    if journey.kind == "registration":
        if journey.customer_id is not None:
            return identity_of_customer(
                session, journey.customer_id, journey.additional_user_id, verified=True
            )
        number = str(data.get("id_number", ""))
        if data.get("id_kind") == "company_ruc" and data.get("is_additional"):
            if not data.get("additional_cedula"):
                return None
            number = f"{number}{ADDITIONAL_SEPARATOR}{data['additional_cedula']}"
        return identity_from_text(session, number) if number else None
    if journey.kind == "mini_registration":
        cedula = str(data.get("cedula", ""))
        verified = "code_accepted_at" in data
        return identity_from_text(session, cedula, verified=verified) if cedula else None
    if journey.kind == "mini_session":
        return _child(session, data.get("mini_account_id"), verified=True)
    if journey.kind == "mini_sign_in":
        key = str(data.get("username", "")).strip().lower()[:CHILD_USERNAME_MAX]
        user = session.scalar(select(MiniUser).where(MiniUser.username_key == key)) if key else None
        return _child(session, user.mini_account_id, verified=False) if user else None
    if journey.kind == "mini_parent":
        return _parent(session, journey.sender_id, str(data.get("username", "")))
    return None


def identity_of_chat(session: Session, sender_id: str) -> Identity | None:
    """Who last signed in from this chat (their notices go to it), if anyone."""
    linked = session.scalar(
        select(CustomerChat)
        .where(CustomerChat.sender_id == sender_id)
        .order_by(CustomerChat.linked_at.desc())
        .limit(1)
    )
    if linked is None:
        return None
    return identity_of_customer(session, linked.customer_id, None, verified=True)


def _additional(session: Session, key: str, ruc: str, cedula: str, verified: bool) -> Identity:
    masked = f"{mask_number(ruc)} {ADDITIONAL_SEPARATOR} {mask_number(cedula)}"
    company = _customer(session, ruc, COMPANY)
    person = _customer(session, cedula, PERSON)
    additional = None
    if company is not None and person is not None:
        additional = session.scalar(
            select(AdditionalUser.id).where(
                AdditionalUser.company_id == company.id, AdditionalUser.person_id == person.id
            )
        )
    if additional is None:
        return Identity(key, masked, verified)
    assert company is not None
    return Identity(key, masked, verified, company.id, additional)


def _child(session: Session, account_id: object, *, verified: bool) -> Identity | None:
    account = session.get(MiniAccount, account_id) if isinstance(account_id, int) else None
    if account is None:
        return None
    return identity_from_text(session, account.child_cedula, verified=verified)


def _parent(session: Session, sender_id: str, typed_username: str) -> Identity | None:
    signed_in = session.get(ParentSession, sender_id)
    if signed_in is not None and signed_in.state == PARENT_SIGNED_IN:
        user = session.get(OnlineUser, signed_in.online_user_id)
        verified = True
    else:
        key = typed_username.strip().lower()
        user = (
            session.scalar(select(OnlineUser).where(OnlineUser.username_key == key))
            if key
            else None
        )
        verified = False
    if user is None:
        return None
    return identity_of_customer(
        session, user.customer_id, user.additional_user_id, verified=verified
    )


def _customer(session: Session, id_number: str, kind: str) -> Customer | None:
    return session.scalar(
        select(Customer).where(Customer.id_number == id_number, Customer.kind == kind)
    )
