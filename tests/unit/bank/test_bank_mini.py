"""Cuenta Mini: children of a parent, back-office approval and activation codes."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS, MARIA, MATEO, SOFIA
from bank.mini.activation import CODE_DIGITS, MAX_CODES_PER_HOUR, MAX_WRONG_ENTRIES
from bank.models import AuditEntry, Customer, MiniActivationCode


def customer_id(bank: Bank, cedula: str) -> int:
    with unit_of_work(bank.sessions) as session:
        found = session.scalar(select(Customer.id).where(Customer.id_number == cedula))
    assert found is not None
    return int(found)


@pytest.fixture
def carlos(bank: Bank) -> int:
    return customer_id(bank, CARLOS.id_number)


def generate(bank: Bank, parent: int, cedula: str = ANDREA.cedula) -> str:
    issue = bank.activation_codes.generate(parent_id=parent, child_cedula=cedula)
    assert issue.code == "issued" and issue.activation_code is not None
    return issue.activation_code


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def test_carlos_sees_his_three_children_by_name_with_their_state(bank: Bank, carlos: int) -> None:
    children = bank.mini_accounts.children_of(carlos)
    assert [(c.full_name, c.approved) for c in children] == [
        (ANDREA.full_name, True),
        (MATEO.full_name, True),
        (SOFIA.full_name, False),
    ]
    assert children[0].first_names == "Andrea Estefanía"
    assert children[1].first_names == "Mateo"
    assert bank.mini_accounts.children_of(customer_id(bank, MARIA.id_number)) == []


def test_a_code_is_six_digits_shown_once_and_stored_only_as_a_digest(
    bank: Bank, carlos: int
) -> None:
    issue = bank.activation_codes.generate(parent_id=carlos, child_cedula=ANDREA.cedula)
    assert issue.code == "issued" and issue.minutes == 10 and issue.child_first_name == "Andrea"
    code = issue.activation_code
    assert code is not None and len(code) == 6 and code.isdigit()
    assert code not in repr(issue)
    with unit_of_work(bank.sessions) as session:
        digests = list(session.scalars(select(MiniActivationCode.code_digest)))
        audit = list(session.scalars(select(AuditEntry.action)))
    assert len(digests) == 1 and code not in digests[0]
    assert "mini_activation_code_generated" in audit


def test_only_the_parent_of_an_approved_child_gets_a_code(bank: Bank, carlos: int) -> None:
    maria = customer_id(bank, MARIA.id_number)
    codes = bank.activation_codes
    assert codes.generate(parent_id=maria, child_cedula=ANDREA.cedula).code == "not_your_child"
    assert codes.generate(parent_id=carlos, child_cedula="1710034065").code == "not_your_child"
    assert codes.generate(parent_id=carlos, child_cedula=SOFIA.cedula).code == "not_approved"


def test_the_right_code_works_once(bank: Bank, carlos: int) -> None:
    code = generate(bank, carlos)
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code).code == "ok"
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code).code == "used"


def test_a_code_is_bound_to_its_child(bank: Bank, carlos: int) -> None:
    code = generate(bank, carlos, ANDREA.cedula)
    generate(bank, carlos, MATEO.cedula)
    assert bank.activation_codes.check(child_cedula=MATEO.cedula, code=code).code == "wrong"
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code).code == "ok"


def test_a_code_expires_after_ten_minutes(bank: Bank, carlos: int, clock: FixedClock) -> None:
    code = generate(bank, carlos)
    clock.advance(minutes=9, seconds=59)
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=wrong_code(code)).code == (
        "wrong"
    )
    clock.advance(seconds=1)
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code).code == "expired"


def test_generating_again_invalidates_the_previous_code(bank: Bank, carlos: int) -> None:
    first = generate(bank, carlos)
    second = generate(bank, carlos)
    while second == first:  # one chance in a million
        second = generate(bank, carlos)
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=first).code == "wrong"
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=second).code == "ok"


def test_five_wrong_entries_exhaust_a_code_and_a_new_one_works(bank: Bank, carlos: int) -> None:
    code = generate(bank, carlos)
    results = [
        bank.activation_codes.check(child_cedula=ANDREA.cedula, code=wrong_code(code))
        for _ in range(MAX_WRONG_ENTRIES)
    ]
    assert [r.code for r in results] == ["wrong"] * 4 + ["attempts_exhausted"]
    assert [r.attempts_left for r in results[:4]] == [4, 3, 2, 1]
    check = bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code)
    assert check.code == "attempts_exhausted", "not even the right code after five misses"
    fresh = generate(bank, carlos)
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=fresh).code == "ok"


def test_malformed_codes_and_unknown_children_count_nothing(bank: Bank, carlos: int) -> None:
    code = generate(bank, carlos)
    for typed in ("12345", "1234567", "12a456", "１２３４５６", ""):
        assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=typed).code == "invalid"
    assert bank.activation_codes.check(child_cedula="1710034065", code=code).code == (
        "unknown_child"
    )
    assert bank.activation_codes.check(child_cedula=SOFIA.cedula, code=code).code == (
        "unknown_child"
    )
    assert bank.activation_codes.check(child_cedula=MATEO.cedula, code=code).code == (
        "no_active_code"
    )
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=f" {code} ").code == "ok"


def test_at_most_five_codes_per_hour_per_child(bank: Bank, carlos: int, clock: FixedClock) -> None:
    for _ in range(MAX_CODES_PER_HOUR):
        generate(bank, carlos)
        clock.advance(minutes=5)
    refused = bank.activation_codes.generate(parent_id=carlos, child_cedula=ANDREA.cedula)
    assert refused.code == "too_many_codes" and refused.activation_code is None
    assert refused.minutes == 35
    generate(bank, carlos, MATEO.cedula)  # another child is not affected
    clock.advance(minutes=35)
    generate(bank, carlos)


def _race(count: int, action: Callable[[], str]) -> list[str]:
    barrier = threading.Barrier(count)
    results: list[str] = []

    def run() -> None:
        barrier.wait()
        results.append(action())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_code_is_used_once_under_a_race(file_bank: Bank) -> None:
    carlos = customer_id(file_bank, CARLOS.id_number)
    code = generate(file_bank, carlos)
    results = _race(
        6, lambda: file_bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code).code
    )
    assert sorted(results) == ["ok"] + ["used"] * 5


def test_approval_is_audited_and_happens_once(bank: Bank, carlos: int) -> None:
    approval = bank.mini_accounts.approve(child_cedula=SOFIA.cedula, actor="backoffice:ana")
    assert approval.code == "approved" and approval.parent_id == carlos
    assert approval.child is not None and approval.child.approved
    again = bank.mini_accounts.approve(child_cedula=SOFIA.cedula, actor="backoffice:ana")
    assert again.code == "already_approved"
    assert bank.mini_accounts.approve(child_cedula="1710034065", actor="x").code == "unknown"
    generate(bank, carlos, SOFIA.cedula)
    with unit_of_work(bank.sessions) as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert actions.count("mini_account_approved") == 1
