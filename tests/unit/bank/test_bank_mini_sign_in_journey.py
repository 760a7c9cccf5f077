"""A child's sign-in (`bank.mini_sign_in`) and the `mini_session` it opens, per docs/mini.md."""

from __future__ import annotations

import pytest
from mini_journey_helpers import (
    CHILD_CHAT,
    OTHER_PICTURES,
    PICTURES,
    account_ref,
    expect,
    journey_data,
    journey_row,
    registration_to_finish,
    sign_in_carlos,
)
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.models import AuditEntry

CHAT = "tg:3001"


@pytest.fixture
def andrea(bank: Bank) -> str:
    """Andrea has a user, made through her registration journey."""
    registration_to_finish(bank, username="andreita2015")
    expect(bank.mini_registration.complete(sender_id=CHILD_CHAT), "completed")
    return "andreita2015"


def signed_in(bank: Bank, username: str, chat: str = CHAT) -> None:
    journey = bank.mini_sign_in
    journey.start(sender_id=chat)
    expect(journey.submit_username(sender_id=chat, text=username), "ok", "picture_password")
    expect(journey.submit_picture_password(sender_id=chat, picture_ids=PICTURES), "signed_in")


def test_andrea_signs_in_and_gets_a_session(bank: Bank, andrea: str) -> None:
    journey = bank.mini_sign_in
    expect(journey.start(sender_id=CHAT), "started", "username")
    short = expect(journey.submit_username(sender_id=CHAT, text="andrea"), "invalid", "username")
    assert short.data == {"reason": "too_short"}
    expect(journey.submit_username(sender_id=CHAT, text="ANDREITA2015"), "ok", "picture_password")
    done = journey.submit_picture_password(sender_id=CHAT, picture_ids=PICTURES)
    expect(done, "signed_in", "completed")
    assert done.data == {"first_name": "Andrea", "avatar": "avatar_fox", "username": andrea}
    assert journey.current_step(sender_id=CHAT) == "completed"
    child = expect(journey.current_child(sender_id=CHAT), "active", "menu")
    assert child.data == {
        "first_name": "Andrea",
        "avatar": "avatar_fox",
        "username": andrea,
        "mini_account_id": int(account_ref(bank)),
    }
    session_row = journey_row(bank, "mini_session", CHAT)
    assert "pic_" not in repr(session_row.data)
    with unit_of_work(bank.sessions) as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert "mini_child_signed_in" in actions


def test_wrong_pictures_ask_the_username_again_and_five_lock(bank: Bank, andrea: str) -> None:
    sign_in_carlos(bank)
    journey = bank.mini_sign_in
    journey.start(sender_id=CHAT)
    results = []
    for _ in range(5):
        journey.submit_username(sender_id=CHAT, text=andrea)
        results.append(journey.submit_picture_password(sender_id=CHAT, picture_ids=OTHER_PICTURES))
    assert [(r.code, r.step) for r in results] == [("wrong", "username")] * 4 + [
        ("locked", "ended")
    ]
    assert [r.data for r in results] == [{"attempts_left": n} for n in (4, 3, 2, 1)] + [
        {"minutes": 15}
    ]
    assert journey.current_child(sender_id=CHAT).code == "none"
    (notice,) = bank.notifications.claim()
    assert (notice.kind, dict(notice.data)) == (
        "mini_child_locked",
        {"child": "Andrea", "tries": 5, "minutes": 15},
    )
    journey.start(sender_id=CHAT)
    journey.submit_username(sender_id=CHAT, text=andrea)
    still = journey.submit_picture_password(sender_id=CHAT, picture_ids=PICTURES)
    expect(still, "locked", "ended")


def test_unknown_usernames_look_like_wrong_pictures(bank: Bank) -> None:
    journey = bank.mini_sign_in
    journey.start(sender_id=CHAT)
    journey.submit_username(sender_id=CHAT, text="nadie12345")
    wrong = journey.submit_picture_password(sender_id=CHAT, picture_ids=PICTURES)
    expect(wrong, "wrong", "username")
    assert wrong.data == {"attempts_left": 4}


def test_the_session_ends_after_ten_idle_minutes(
    bank: Bank, andrea: str, clock: FixedClock
) -> None:
    journey = bank.mini_sign_in
    signed_in(bank, andrea)
    clock.advance(minutes=9)
    expect(journey.current_child(sender_id=CHAT), "active")
    clock.advance(minutes=9)  # the check above kept it alive
    expect(journey.current_child(sender_id=CHAT), "active")
    clock.advance(minutes=10)
    expect(journey.current_child(sender_id=CHAT), "expired")
    expect(journey.current_child(sender_id=CHAT), "none", None)


def test_sign_out_and_a_new_sign_in_replaces_the_session(bank: Bank, andrea: str) -> None:
    journey = bank.mini_sign_in
    expect(journey.sign_out(sender_id=CHAT), "none")
    signed_in(bank, andrea)
    signed_in(bank, andrea)
    expect(journey.current_child(sender_id=CHAT), "active")
    expect(journey.sign_out(sender_id=CHAT), "signed_out")
    expect(journey.sign_out(sender_id=CHAT), "none")
    expect(journey.current_child(sender_id=CHAT), "none")
    assert journey.current_child(sender_id="tg:elsewhere").code == "none"


def test_idle_sign_in_restarts_at_the_username(bank: Bank, andrea: str, clock: FixedClock) -> None:
    journey = bank.mini_sign_in
    expect(journey.touch(sender_id=CHAT), "none")
    journey.start(sender_id=CHAT)
    journey.submit_username(sender_id=CHAT, text=andrea)
    clock.advance(minutes=10)
    assert journey.current_step(sender_id=CHAT) == "username"
    late = journey.submit_picture_password(sender_id=CHAT, picture_ids=PICTURES)
    expect(late, "restarted_inactive", "username")
    assert journey_data(bank, "mini_sign_in", CHAT) == {}
    journey.submit_username(sender_id=CHAT, text=andrea)
    clock.advance(minutes=10)
    expect(journey.touch(sender_id=CHAT), "restarted_inactive", "username")


def test_calls_for_another_step_and_cancel(bank: Bank, andrea: str) -> None:
    journey = bank.mini_sign_in
    expect(journey.submit_username(sender_id=CHAT, text=andrea), "wrong_step", None)
    journey.start(sender_id=CHAT)
    wrong = journey.submit_picture_password(sender_id=CHAT, picture_ids=PICTURES)
    expect(wrong, "wrong_step", "username")
    journey.submit_username(sender_id=CHAT, text=andrea)
    expect(journey.submit_username(sender_id=CHAT, text=andrea), "wrong_step", "picture_password")
    expect(journey.cancel(sender_id=CHAT), "cancelled", "cancelled")
    expect(journey.cancel(sender_id=CHAT), "none", "cancelled")
    assert journey.current_child(sender_id=CHAT).code == "none"
