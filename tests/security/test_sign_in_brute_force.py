"""Findings 1, 2 and 12 of the security review: guessing the parent's Token digital code, the
parent's password and the child's picture password, and malformed Token codes."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pyotp
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.mini import parent
from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.crypto import SecretCipher
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS, CARLOS_PASSWORD, CARLOS_USERNAME
from bank.models import SECOND_FACTOR_TOKEN, AuditEntry, OnlineUser
from bank.outbox import read_outbox
from tests.support.mini_family import (
    ANDREA_PICTURES,
    ANDREA_USERNAME,
    carlos_id,
    create_andreas_user,
)

PAULA = "1005"  # the demo agent
CARLOS_MOBILE = "+593998887766"
ATTACKER_CHATS = ("tg:666", "tg:667", "tg:668")


def give_carlos_a_token(bank: Bank) -> str:
    """Carlos's online user gets an active Token digital; its secret, for the right codes."""
    secret = pyotp.random_base32()
    cipher = SecretCipher(bank.settings.subkey("totp-secret"))
    with unit_of_work(bank.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username == CARLOS_USERNAME))
        assert user is not None
        user.second_factor = SECOND_FACTOR_TOKEN
        user.totp_secret_encrypted = cipher.encrypt(secret)
    return secret


def right_code(secret: str, clock: FixedClock) -> str:
    return pyotp.TOTP(secret).at(clock.now().replace(tzinfo=UTC))


def wrong_code(secret: str, clock: FixedClock, n: int) -> str:
    right = int(right_code(secret, clock))
    return f"{(right + 1000 + n) % 1_000_000:06d}"


def password(bank: Bank, chat: str, text: str = CARLOS_PASSWORD) -> str:
    return bank.parent_sign_in.sign_in(sender_id=chat, username=CARLOS_USERNAME, password=text).code


def token(bank: Bank, chat: str, code: str) -> str:
    return bank.parent_sign_in.submit_token(sender_id=chat, code=code).code


def audits(bank: Bank, action: str) -> list[AuditEntry]:
    with unit_of_work(bank.sessions) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        session.expunge_all()
        return list(rows)


def guess_five_token_codes(bank: Bank, clock: FixedClock, secret: str) -> list[str]:
    """4 guesses, "cancel" and sign in again from another chat, then the fifth guess."""
    answers = []
    assert password(bank, ATTACKER_CHATS[0]) == "token_required"
    answers += [token(bank, ATTACKER_CHATS[0], wrong_code(secret, clock, n)) for n in range(4)]
    bank.parent_sign_in.sign_out(sender_id=ATTACKER_CHATS[0])
    assert password(bank, ATTACKER_CHATS[1]) == "token_required"
    answers.append(token(bank, ATTACKER_CHATS[1], wrong_code(secret, clock, 4)))
    return answers


# Finding 1: the Token digital code --------------------------------------------------------


def test_attacker_with_phished_password_cannot_guess_token_codes_by_signing_in_again(
    bank: Bank, clock: FixedClock
) -> None:
    secret = give_carlos_a_token(bank)
    answers = guess_five_token_codes(bank, clock, secret)
    assert answers == ["wrong"] * 4 + ["held"]
    # Held: the right password (and even the right code) no longer gets a Token step, anywhere.
    for chat in ATTACKER_CHATS:
        assert password(bank, chat) == "held"
        assert token(bank, chat, right_code(secret, clock)) == "no_sign_in"
    clock.advance(hours=25)
    assert password(bank, ATTACKER_CHATS[2]) == "held", "a hold never ends by itself"


def test_attacker_cannot_reset_token_failures_with_the_right_password(
    bank: Bank, clock: FixedClock
) -> None:
    secret = give_carlos_a_token(bank)
    for n in range(5):
        # Every guess starts from a fresh, correct password: that must not reset the count.
        assert password(bank, ATTACKER_CHATS[n % 2]) == "token_required"
        result = token(bank, ATTACKER_CHATS[n % 2], wrong_code(secret, clock, n))
    assert result == "held"


def test_token_guessing_hold_is_audited_and_told_to_the_customer_by_sms_and_email(
    bank: Bank, clock: FixedClock
) -> None:
    secret = give_carlos_a_token(bank)
    guess_five_token_codes(bank, clock, secret)
    (held,) = audits(bank, "parent_sign_in_held")
    assert held.subject.startswith("online_user:")
    assert CARLOS_USERNAME.lower() not in f"{held.subject} {held.details}".lower()
    assert held.details == {"held_reason": "token"}
    sms = read_outbox(bank.sessions, to=CARLOS_MOBILE)
    mail = read_outbox(bank.sessions, to=CARLOS.email)
    assert len(sms) == 1 and "Cuenta para mis hijos" in sms[0].body
    assert "1700 123 123" in sms[0].body
    assert len(mail) == 1 and "Carlos" in mail[0].body
    for message in (*sms, *mail):
        assert secret not in message.body and CARLOS_PASSWORD not in message.body


def test_held_parent_journey_says_held_never_wrong_password(bank: Bank, clock: FixedClock) -> None:
    secret = give_carlos_a_token(bank)
    guess_five_token_codes(bank, clock, secret)
    journey = bank.parent_mini
    journey.start(sender_id="tg:carlos")
    assert journey.submit_username(sender_id="tg:carlos", text=CARLOS_USERNAME).code == "ok"
    held = journey.submit_password(sender_id="tg:carlos", password=CARLOS_PASSWORD)
    assert held.code == "held"


def test_attacker_cannot_release_a_token_hold_but_an_agent_or_online_banking_can(
    bank: Bank, clock: FixedClock
) -> None:
    secret = give_carlos_a_token(bank)
    guess_five_token_codes(bank, clock, secret)
    unlocked = bank.assist_phone.unlock(
        agent=PAULA, cedula_or_ruc=CARLOS.id_number, reason="llamó y verificamos su identidad"
    )
    assert unlocked.code == "unlocked"
    (released,) = audits(bank, "sign_in_released")
    assert released.actor.startswith("agent:") and released.details["held_reason"] == "token"
    assert password(bank, "tg:carlos") == "token_required"
    assert token(bank, "tg:carlos", right_code(secret, clock)) == "signed_in"
    # The customer's online banking releases a second hold (python -m bank release-sign-in).
    clock.advance(minutes=1)
    guess_five_token_codes(bank, clock, secret)
    assert password(bank, "tg:carlos") == "held"
    answer = bank.parent_sign_in.release_sign_in_hold(
        username=CARLOS_USERNAME, released_by="online_banking:carlos", reason="desbloqueo web"
    )
    assert answer == "released"
    assert password(bank, "tg:carlos") == "token_required"


# Finding 12: malformed Token digital codes ------------------------------------------------


@pytest.mark.parametrize("typed", ["١٢٣٤٥٦", "１２３４５６", "12345", "1234567", "12a456", "", " "])
def test_attacker_typing_non_ascii_or_malformed_token_codes_does_not_crash_the_bank(
    bank: Bank, clock: FixedClock, typed: str
) -> None:
    give_carlos_a_token(bank)
    assert password(bank, ATTACKER_CHATS[0]) == "token_required"
    assert token(bank, ATTACKER_CHATS[0], typed) == "invalid"


def tracker_at(slot: str, value: Any) -> Tracker:
    form = parent.FORM
    slots: dict[str, Any] = {name: None for name in form.slots}
    slots.update(requested_slot=slot, **{slot: value})
    return Tracker(
        sender_id=ATTACKER_CHATS[0],
        slots=slots,
        latest_message={"intent": {"name": "inform"}, "entities": [], "text": "…"},
        events=[
            {"event": "active_loop", "name": form.name},
            {"event": "user", "text": "…", "parse_data": {"intent": {"name": "inform"}}},
            {"event": "slot", "name": slot, "value": value},
        ],
        paused=False,
        followup_action=None,
        active_loop={"name": form.name},
        latest_action_name="action_listen",
    )


async def test_attacker_typing_arabic_digits_as_token_code_gets_a_format_message_not_a_crash(
    action_bank: Bank,
) -> None:
    give_carlos_a_token(action_bank)
    domain: dict[str, Any] = {"responses": {}}
    validation = parent.ValidateParentMiniForm()
    sender = ATTACKER_CHATS[0]
    action_bank.parent_mini.start(sender_id=sender)
    action_bank.parent_mini.submit_username(sender_id=sender, text=CARLOS_USERNAME)
    reply = action_bank.parent_mini.submit_password(sender_id=sender, password=CARLOS_PASSWORD)
    assert reply.code == "token_required"
    ref = action_bank.secret_box.put(sender_id=sender, kind="otp", value="١٢٣٤٥٦")
    dispatcher = CollectingDispatcher()
    await validation.run(dispatcher, tracker_at("parent_token_ref", ref), domain)
    said = [m.get("response") for m in dispatcher.messages]
    assert said == ["utter_parent_token_invalid"]


# Finding 2: lockouts that escalate to a hold ----------------------------------------------

WRONG_PICTURES = ["pic_apple", "pic_boat", "pic_moon", "pic_car"]


def child_attempt(bank: Bank, pictures: list[str]) -> str:
    return bank.child_users.sign_in(username=ANDREA_USERNAME, picture_ids=pictures).code


def lock_andrea(bank: Bank) -> str:
    """Five wrong picture passwords in a row: the last answer."""
    return [child_attempt(bank, WRONG_PICTURES) for _ in range(5)][-1]


def test_attacker_guessing_a_childs_picture_password_all_day_is_held_at_the_third_lock(
    bank: Bank, clock: FixedClock
) -> None:
    create_andreas_user(bank)
    assert lock_andrea(bank) == "locked"
    clock.advance(minutes=16)
    assert lock_andrea(bank) == "locked"
    clock.advance(minutes=16)
    assert lock_andrea(bank) == "held"
    clock.advance(hours=25)
    assert child_attempt(bank, list(ANDREA_PICTURES)) == "held", "held until the parent acts"
    kinds = [(n.kind, dict(n.data)) for n in bank.notifications.claim(limit=10)]
    held = [data for kind, data in kinds if kind == "mini_child_held"]
    assert held and held[0]["child"] == "Andrea" and held[0]["child_ref"]
    (audit,) = audits(bank, "mini_sign_in_held")
    assert ANDREA_USERNAME not in audit.subject.lower()


def test_only_the_childs_signed_in_parent_releases_a_held_child_sign_in(
    bank: Bank, clock: FixedClock
) -> None:
    create_andreas_user(bank)
    for _ in range(3):
        lock_andrea(bank)
        clock.advance(minutes=16)
    parent_chat = "tg:carlos"
    journey = bank.parent_mini
    # Signed out, the chat cannot release anything.
    journey.start(sender_id=parent_chat)
    assert journey.unlock_child(sender_id=parent_chat).code == "wrong_step"
    journey.submit_username(sender_id=parent_chat, text=CARLOS_USERNAME)
    journey.submit_password(sender_id=parent_chat, password=CARLOS_PASSWORD)
    assert journey.submit_child(sender_id=parent_chat, text="andrea").code == "ok"
    assert journey.summary(sender_id=parent_chat).data["child_locked"] is True
    assert journey.unlock_child(sender_id=parent_chat).code == "unlocked"
    (released,) = audits(bank, "sign_in_released")
    assert released.actor.startswith("customer:") and released.subject.startswith("mini_user:")
    assert child_attempt(bank, list(ANDREA_PICTURES)) == "signed_in"


def password_round(bank: Bank) -> str:
    return [password(bank, ATTACKER_CHATS[0], "Adivinanza2024") for _ in range(5)][-1]


def test_attacker_guessing_a_parents_password_all_day_is_held_at_the_third_lock(
    bank: Bank, clock: FixedClock
) -> None:
    assert password_round(bank) == "locked"
    clock.advance(minutes=31)
    assert password_round(bank) == "locked"
    clock.advance(minutes=31)
    assert password_round(bank) == "held"
    clock.advance(hours=25)
    assert password(bank, "tg:carlos") == "held", "even the right password"
    assert len(read_outbox(bank.sessions, to=CARLOS_MOBILE)) == 1
    unlocked = bank.assist_phone.unlock(
        agent=PAULA, cedula_or_ruc=CARLOS.id_number, reason="verificado por teléfono"
    )
    assert unlocked.code == "unlocked"
    assert password(bank, "tg:carlos") == "signed_in"


@pytest.mark.parametrize(
    "pictures",
    [
        ["pic_star"] * 4,
        ["pic_star", "pic_star", "pic_star", "pic_fish"],
        ["pic_star", "pic_fish", "pic_star", "pic_fish"],
        ["pic_star", "pic_star", "pic_fish", "pic_fish"],
    ],
)
def test_child_cannot_choose_a_trivially_guessable_picture_password(
    bank: Bank, pictures: list[str]
) -> None:
    chat = "tg:andrea"
    reg = bank.mini_registration
    reg.start(sender_id=chat)
    assert reg.submit_cedula(sender_id=chat, text=ANDREA.cedula).code == "ok"
    issued = bank.activation_codes.generate(parent_id=carlos_id(bank), child_cedula=ANDREA.cedula)
    assert issued.activation_code is not None
    assert reg.submit_activation_code(sender_id=chat, code=issued.activation_code).code == "ok"
    assert reg.submit_avatar(sender_id=chat, avatar_id="avatar_fox").code == "ok"
    assert reg.submit_username(sender_id=chat, text=ANDREA_USERNAME).code == "ok"
    refused = reg.submit_picture_password(sender_id=chat, picture_ids=pictures)
    assert (refused.code, refused.step) == ("too_easy", "picture_password")
    assert refused.data == {"min_different": 3}
    accepted = reg.submit_picture_password(sender_id=chat, picture_ids=list(ANDREA_PICTURES))
    assert accepted.code == "ok"
    created = bank.child_users.create(
        child_cedula=ANDREA.cedula,
        username="otronombre1",
        avatar="avatar_fox",
        picture_ids=pictures,
    )
    assert created.reason == "easy_picture_password"
