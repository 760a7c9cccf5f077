"""Who a journey is about: the identity key, the PIN holder and the contact on file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.identity import additional_user_key, company_key, person_key
from bank.models import COMPANY, PERSON, AdditionalUser, Customer, Journey, OnlineUser


@dataclass(frozen=True)
class Credential:
    """The PIN holder behind an identity: the customer, maybe an additional user, the contact."""

    customer: Customer
    additional_user: AdditionalUser | None
    contact: Customer

    @property
    def pin_hash(self) -> str | None:
        """The argon2id hash of the PIN that proves this identity."""
        if self.additional_user is not None:
            return self.additional_user.pin_hash
        return self.customer.pin_hash


def identity_key_of(data: Mapping[str, Any]) -> str:
    """The key failures and locks count against for the identity typed in this journey."""
    number = str(data.get("id_number", ""))
    if data.get("id_kind") != "company_ruc":
        return person_key(number[:10])
    if data.get("is_additional") and data.get("additional_cedula"):
        return additional_user_key(number, str(data["additional_cedula"]))
    return company_key(number)


def identity_numbers_of(data: Mapping[str, Any]) -> list[str]:
    """Every identity number typed in this journey (cédula, RUC, additional user's cédula)."""
    number = str(data.get("id_number", ""))
    numbers = [number]
    if data.get("id_kind") in ("cedula", "person_ruc"):
        numbers += [number[:10], person_key(number[:10])]
    if data.get("additional_cedula"):
        numbers.append(str(data["additional_cedula"]))
    return [n for n in numbers if n]


def find_credential(session: Session, data: Mapping[str, Any]) -> Credential | None:
    """The PIN holder for the identity typed, or None when there is no such customer."""
    number = str(data.get("id_number", ""))
    if data.get("id_kind") != "company_ruc":
        person = _customer(session, number[:10], PERSON)
        return Credential(person, None, person) if person else None
    company = _customer(session, number, COMPANY)
    if company is None:
        return None
    if not data.get("is_additional"):
        return Credential(company, None, company)
    person = _customer(session, str(data.get("additional_cedula", "")), PERSON)
    if person is None:
        return None
    additional = session.scalar(
        select(AdditionalUser).where(
            AdditionalUser.company_id == company.id, AdditionalUser.person_id == person.id
        )
    )
    return Credential(company, additional, person) if additional else None


def _customer(session: Session, id_number: str, kind: str) -> Customer | None:
    return session.scalar(
        select(Customer).where(Customer.id_number == id_number, Customer.kind == kind)
    )


def contact_of(session: Session, journey: Journey) -> Customer | None:
    """The person (or company) whose mobile and e-mail are on file for this journey."""
    if journey.additional_user_id is not None:
        additional = session.get(AdditionalUser, journey.additional_user_id)
        return session.get(Customer, additional.person_id) if additional else None
    if journey.customer_id is not None:
        return session.get(Customer, journey.customer_id)
    return None


def owner_key(customer_id: int, additional_user_id: int | None) -> str:
    """The unique owner of an online user: the customer, or the customer's additional user."""
    return f"{customer_id}:{additional_user_id or 0}"


def has_online_user(session: Session, customer_id: int, additional_user_id: int | None) -> bool:
    """True when this customer (or additional user) already has an online user."""
    found = session.scalar(
        select(OnlineUser.id).where(
            OnlineUser.owner_key == owner_key(customer_id, additional_user_id)
        )
    )
    return found is not None


def username_taken(session: Session, username: str) -> bool:
    """True when an online user already has this username (ignoring case)."""
    found = session.scalar(select(OnlineUser.id).where(OnlineUser.username_key == username.lower()))
    return found is not None
