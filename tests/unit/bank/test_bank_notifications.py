"""Notices for customers: queued by the bank, claimed once, delivered to the linked chat."""

from __future__ import annotations

import threading

from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import CARLOS, CARLOS_PASSWORD, CARLOS_USERNAME, SOFIA
from bank.models import Customer
from bank.notifications import MAX_ATTEMPTS, queue_notice

CHAT = "tg:1003"


def carlos_id(bank: Bank) -> int:
    with unit_of_work(bank.sessions) as session:
        found = session.scalar(select(Customer.id).where(Customer.id_number == CARLOS.id_number))
    assert found is not None
    return int(found)


def sign_in_carlos(bank: Bank, chat: str = CHAT) -> None:
    result = bank.parent_sign_in.sign_in(
        sender_id=chat, username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert result.code == "signed_in"


def test_approval_notice_waits_for_a_chat_then_goes_to_the_latest_one(bank: Bank) -> None:
    bank.mini_accounts.approve(child_cedula=SOFIA.cedula, actor="backoffice:test")
    assert bank.notifications.claim() == [], "no chat known yet"
    sign_in_carlos(bank, "tg:old")
    sign_in_carlos(bank, CHAT)
    (notice,) = bank.notifications.claim()
    assert (notice.sender_id, notice.kind, dict(notice.data)) == (
        CHAT,
        "mini_account_approved",
        {"child": "Sofía"},
    )
    assert bank.notifications.claim() == [], "a claimed notice is not claimed twice"
    bank.notifications.delivered(notice.id)


def test_a_failed_delivery_is_retried_and_a_stale_claim_expires(
    bank: Bank, clock: FixedClock
) -> None:
    sign_in_carlos(bank)
    with unit_of_work(bank.sessions) as session:
        queue_notice(session, customer_id=carlos_id(bank), kind="test", now=clock.now())
    (first,) = bank.notifications.claim()
    bank.notifications.failed(first.id)
    (again,) = bank.notifications.claim()
    assert again.id == first.id
    clock.advance(minutes=3)  # the claimer crashed
    (third,) = bank.notifications.claim()
    bank.notifications.delivered(third.id)
    clock.advance(minutes=3)
    assert bank.notifications.claim() == []


def test_attempts_are_capped(bank: Bank, clock: FixedClock) -> None:
    sign_in_carlos(bank)
    with unit_of_work(bank.sessions) as session:
        queue_notice(session, customer_id=carlos_id(bank), kind="test", now=clock.now())
    for _ in range(MAX_ATTEMPTS):
        (notice,) = bank.notifications.claim()
        bank.notifications.failed(notice.id)
    assert bank.notifications.claim() == []


def test_concurrent_claimers_share_nothing(file_bank: Bank) -> None:
    sign_in_carlos(file_bank)
    with unit_of_work(file_bank.sessions) as session:
        for _ in range(10):
            queue_notice(
                session, customer_id=carlos_id(file_bank), kind="test", now=file_bank.clock.now()
            )
    barrier = threading.Barrier(4)
    claimed: list[int] = []

    def claim() -> None:
        barrier.wait()
        claimed.extend(notice.id for notice in file_bank.notifications.claim(limit=10))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 10
