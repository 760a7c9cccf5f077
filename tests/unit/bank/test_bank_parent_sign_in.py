"""A parent's sign-in to "Cuenta para mis hijos": password, Token digital, locks, idle expiry."""

from __future__ import annotations

from datetime import UTC

import pyotp
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.crypto import SecretCipher
from bank.db import unit_of_work
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME
from bank.models import SECOND_FACTOR_TOKEN, OnlineUser
from bank.totp import new_token_secret

CHAT = "tg:1003"


def sign_in(bank: Bank, password: str = CARLOS_PASSWORD, username: str = CARLOS_USERNAME):  # type: ignore[no-untyped-def]
    return bank.parent_sign_in.sign_in(sender_id=CHAT, username=username, password=password)


def test_carlos_signs_in_with_any_case_username_and_is_greeted(bank: Bank) -> None:
    result = sign_in(bank, username="  cmora2019 ")
    assert (result.code, result.first_name) == ("signed_in", "Carlos")
    status = bank.parent_sign_in.current_parent(sender_id=CHAT)
    assert status.code == "active" and status.first_name == "Carlos"
    assert bank.parent_sign_in.current_parent(sender_id="tg:other").code == "none"


def test_five_failures_lock_for_thirty_minutes_even_with_the_right_password(
    bank: Bank, clock: FixedClock
) -> None:
    results = [sign_in(bank, password="Equivocada1") for _ in range(5)]
    assert [r.code for r in results] == ["wrong"] * 4 + ["locked"]
    assert [r.attempts_left for r in results[:4]] == [4, 3, 2, 1]
    assert results[-1].minutes == 30
    assert sign_in(bank).code == "locked"
    clock.advance(minutes=29)
    assert sign_in(bank).minutes == 1
    clock.advance(minutes=1)
    assert sign_in(bank).code == "signed_in"


def test_a_success_resets_the_failures(bank: Bank) -> None:
    for _ in range(4):
        sign_in(bank, password="Equivocada1")
    assert sign_in(bank).code == "signed_in"
    assert sign_in(bank, password="Equivocada1").attempts_left == 4


def test_unknown_usernames_behave_like_known_ones(bank: Bank) -> None:
    results = [sign_in(bank, username="noexiste99", password="x") for _ in range(5)]
    assert [r.code for r in results] == ["wrong"] * 4 + ["locked"]


def test_an_idle_session_ends_after_ten_minutes(bank: Bank, clock: FixedClock) -> None:
    sign_in(bank)
    clock.advance(minutes=9)
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "active"
    clock.advance(minutes=9)  # activity above kept it alive
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "active"
    clock.advance(minutes=10)
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "expired"
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "none"


def test_sign_out(bank: Bank) -> None:
    sign_in(bank)
    assert bank.parent_sign_in.sign_out(sender_id=CHAT)
    assert not bank.parent_sign_in.sign_out(sender_id=CHAT)
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "none"


def _give_carlos_a_token(bank: Bank) -> str:
    secret = new_token_secret()
    cipher = SecretCipher(bank.settings.subkey("totp-secret"))
    with unit_of_work(bank.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username == CARLOS_USERNAME))
        assert user is not None
        user.second_factor = SECOND_FACTOR_TOKEN
        user.totp_secret_encrypted = cipher.encrypt(secret)
    return secret


def test_a_token_user_also_types_the_token_code_which_works_once(
    bank: Bank, clock: FixedClock
) -> None:
    secret = _give_carlos_a_token(bank)
    assert sign_in(bank).code == "token_required"
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "none"
    code = pyotp.TOTP(secret).at(clock.now().replace(tzinfo=UTC))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert bank.parent_sign_in.submit_token(sender_id=CHAT, code=wrong).code == "wrong"
    assert bank.parent_sign_in.submit_token(sender_id=CHAT, code=code).code == "signed_in"
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "active"
    assert sign_in(bank).code == "token_required"
    reused = bank.parent_sign_in.submit_token(sender_id=CHAT, code=code)
    assert reused.code == "wrong", "a token code works only once"


def test_token_failures_hold_the_sign_in(bank: Bank) -> None:
    _give_carlos_a_token(bank)
    sign_in(bank)
    results = [bank.parent_sign_in.submit_token(sender_id=CHAT, code="000000") for _ in range(5)]
    assert results[-1].code == "held"
    assert bank.parent_sign_in.submit_token(sender_id=CHAT, code="000000").code == "no_sign_in"
    assert sign_in(bank).code == "held"


def test_the_token_step_expires(bank: Bank, clock: FixedClock) -> None:
    _give_carlos_a_token(bank)
    sign_in(bank)
    clock.advance(minutes=11)
    assert bank.parent_sign_in.submit_token(sender_id=CHAT, code="123456").code == "expired"
