"""The demo identities of the README, and the unit of work."""

from __future__ import annotations

import pytest
from bank_helpers import CARLOS_CEDULA
from sqlalchemy import func, select

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import CARLOS_PASSWORD, DEMO_CUSTOMERS, seed_demo
from bank.models import AdditionalUser, Customer, IdentityGuard, OnlineUser


def test_demo_data(bank: Bank) -> None:
    with unit_of_work(bank.sessions) as session:
        customers = {c.id_number: c for c in session.scalars(select(Customer))}
        assert set(customers) == {c.id_number for c in DEMO_CUSTOMERS}
        assert all(c.email.endswith("@example.com") for c in customers.values())
        maria = customers["1710034065"]
        assert (maria.kind, maria.mobile) == ("person", "+593991234567")
        assert maria.pin_hash is not None and bank.hasher.verify(maria.pin_hash, "1234")
        assert customers["1791234561001"].kind == "company"
        assert customers["1109876548"].mobile is None
        (additional,) = session.scalars(select(AdditionalUser))
        assert bank.hasher.verify(additional.pin_hash, "5678")
        (carlos,) = session.scalars(select(OnlineUser))
        assert carlos.username == "CMORA2019" and carlos.customer_id == customers[CARLOS_CEDULA].id
        assert bank.hasher.verify(carlos.password_hash, CARLOS_PASSWORD)
        guard = session.get(IdentityGuard, "0928765437001")
        assert guard is not None and guard.held_for_agent


def test_seed_twice_adds_nothing(bank: Bank) -> None:
    with unit_of_work(bank.sessions) as session:
        report = seed_demo(session, hasher=bank.hasher, clock=bank.clock)
        assert (report.customers, report.additional_users, report.online_users, report.locks) == (
            0,
            0,
            0,
            0,
        )
        assert session.scalar(select(func.count()).select_from(Customer)) == len(DEMO_CUSTOMERS)


def test_unit_of_work_rolls_back_on_error(bank: Bank) -> None:
    with pytest.raises(RuntimeError), unit_of_work(bank.sessions) as session:
        session.add(Customer(kind="person", id_number="x", full_name="x", email="x@example.com"))
        session.flush()
        raise RuntimeError("boom")
    with unit_of_work(bank.sessions) as session:
        assert session.scalar(select(Customer).where(Customer.id_number == "x")) is None
