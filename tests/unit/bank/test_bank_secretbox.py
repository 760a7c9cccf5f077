"""The secret box: single use, 5 minutes, bound to sender and kind, encrypted at rest."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.models import SecretBoxEntry


def _rows(bank: Bank) -> list[SecretBoxEntry]:
    with unit_of_work(bank.sessions) as session:
        return list(session.scalars(select(SecretBoxEntry)))


def test_put_then_take_once(bank: Bank) -> None:
    ref = bank.secret_box.put(sender_id="tg:1", kind="pin", value="1234")
    assert ref.startswith("sb_") and len(ref) > 20
    assert bank.secret_box.take(ref=ref, sender_id="tg:1", kind="pin") == "1234"
    assert bank.secret_box.take(ref=ref, sender_id="tg:1", kind="pin") is None
    assert _rows(bank) == []


def test_ciphertext_does_not_contain_the_value(bank: Bank) -> None:
    bank.secret_box.put(sender_id="tg:1", kind="password", value="Centinela7Qx9Lm")
    (row,) = _rows(bank)
    assert "Centinela7Qx9Lm" not in row.ciphertext
    assert "Centinela" not in row.ciphertext


def test_bound_to_sender_and_kind(bank: Bank) -> None:
    ref = bank.secret_box.put(sender_id="tg:1", kind="pin", value="1234")
    assert bank.secret_box.take(ref=ref, sender_id="tg:2", kind="pin") is None
    assert bank.secret_box.take(ref=ref, sender_id="tg:1", kind="otp") is None
    # A wrong reader does not destroy it for the right one.
    assert bank.secret_box.take(ref=ref, sender_id="tg:1", kind="pin") == "1234"


def test_expires_after_five_minutes(bank: Bank, clock: FixedClock) -> None:
    ref = bank.secret_box.put(sender_id="tg:1", kind="otp", value="123456")
    clock.advance(minutes=4, seconds=59)
    other = bank.secret_box.put(sender_id="tg:1", kind="otp", value="654321")
    assert bank.secret_box.take(ref=other, sender_id="tg:1", kind="otp") == "654321"
    clock.advance(seconds=1)
    assert bank.secret_box.take(ref=ref, sender_id="tg:1", kind="otp") is None


def test_expired_rows_are_purged(bank: Bank, clock: FixedClock) -> None:
    bank.secret_box.put(sender_id="tg:1", kind="answer", value="zorbatelmo")
    bank.secret_box.put(sender_id="tg:2", kind="qr", value="otpauth://totp/x")
    clock.advance(minutes=5)
    assert bank.secret_box.purge_expired() == 2
    assert _rows(bank) == []


def test_unknown_refs_and_kinds(bank: Bank) -> None:
    assert bank.secret_box.take(ref="sb_nothing", sender_id="tg:1", kind="pin") is None
    assert bank.secret_box.take(ref="whatever", sender_id="tg:1", kind="pin") is None
    with pytest.raises(ValueError):
        bank.secret_box.put(sender_id="tg:1", kind="card", value="x")


def test_tampered_row_is_refused(bank: Bank) -> None:
    ref_a = bank.secret_box.put(sender_id="tg:1", kind="pin", value="1234")
    ref_b = bank.secret_box.put(sender_id="tg:2", kind="pin", value="9999")
    # Someone with database access moves tg:2's ciphertext into tg:1's row.
    with unit_of_work(bank.sessions) as session:
        row_a = session.get(SecretBoxEntry, ref_a)
        row_b = session.get(SecretBoxEntry, ref_b)
        assert row_a is not None and row_b is not None
        row_a.ciphertext = row_b.ciphertext
    assert bank.secret_box.take(ref=ref_a, sender_id="tg:1", kind="pin") is None


def test_race_has_one_winner(file_bank: Bank) -> None:
    for _ in range(5):
        ref = file_bank.secret_box.put(sender_id="tg:1", kind="pin", value="1234")
        barrier = threading.Barrier(4)
        results: list[str | None] = []

        def take() -> None:
            barrier.wait()
            results.append(file_bank.secret_box.take(ref=ref, sender_id="tg:1", kind="pin"))

        threads = [threading.Thread(target=take) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results, key=str) == ["1234", None, None, None]
