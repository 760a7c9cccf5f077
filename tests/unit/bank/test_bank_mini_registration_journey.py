"""The child's registration journey (`bank.mini_registration`), step by step, per docs/mini.md."""

from __future__ import annotations

import logging

import pytest
from bank_helpers import unknown_cedula
from mini_journey_helpers import (
    CHILD_CHAT,
    OTHER_PICTURES,
    PICTURES,
    account_ref,
    expect,
    journey_data,
    journey_row,
    new_code,
    registration_to_avatar,
    registration_to_finish,
    sign_in_carlos,
)
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import ANDREA, MATEO, SOFIA
from bank.mini.pictures import AVATARS, PASSWORD_PICTURE_IDS
from bank.models import AuditEntry, MiniUser
from bank.outcome import Outcome

KIND = "mini_registration"


def test_andrea_registers_from_cedula_to_user(bank: Bank, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    reg, chat = bank.mini_registration, CHILD_CHAT
    assert reg.current_step(sender_id=chat) is None
    expect(reg.start(sender_id=chat), "started", "cedula")
    expect(reg.start(sender_id=chat), "resumed", "cedula")
    ok = expect(reg.submit_cedula(sender_id=chat, text=ANDREA.cedula), "ok", "activation_code")
    assert ok.data == {}, "no name before a valid code"
    code = new_code(bank)
    accepted = expect(reg.submit_activation_code(sender_id=chat, code=code), "ok", "avatar")
    assert accepted.data == {"child_first_name": "Andrea"}
    assert reg.avatars() == list(AVATARS)
    expect(reg.submit_avatar(sender_id=chat, avatar_id="avatar_fox"), "ok", "username")
    taken = expect(reg.submit_username(sender_id=chat, text=" andreita2015 "), "ok")
    assert taken.data == {"username": "andreita2015"}
    assert sorted(i for i, _ in reg.password_pictures()) == sorted(PASSWORD_PICTURE_IDS)
    expect(reg.submit_picture_password(sender_id=chat, picture_ids=PICTURES), "ok")
    assert reg.current_step(sender_id=chat) == "picture_password_confirmation"
    stored = journey_data(bank, KIND, chat)
    assert str(stored["picture_password_hash"]).startswith("pep1$$argon2id$")
    assert "pic_" not in repr(stored), "only the hash of the pictures is kept"
    expect(
        reg.submit_picture_password_confirmation(sender_id=chat, picture_ids=PICTURES),
        "ok",
        "finish",
    )
    done = expect(reg.complete(sender_id=chat), "completed", "completed")
    assert done.data == {"username": "andreita2015", "first_name": "Andrea", "avatar": "avatar_fox"}
    assert reg.current_step(sender_id=chat) == "completed"
    signed = bank.child_users.sign_in(username="ANDREITA2015", picture_ids=PICTURES)
    assert (signed.code, signed.avatar) == ("signed_in", "avatar_fox")
    with unit_of_work(bank.sessions) as session:
        audit = list(session.scalars(select(AuditEntry)))
    assert "mini_user_created" in [entry.action for entry in audit]
    everything = repr([(e.action, e.subject, e.details) for e in audit]) + caplog.text
    assert code not in everything and "pic_" not in everything


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("17223344", "length"), ("1722334454", "check_digit")],
)
def test_malformed_cedulas_are_refused(bank: Bank, text: str, reason: str) -> None:
    reg = bank.mini_registration
    reg.start(sender_id=CHILD_CHAT)
    outcome = expect(reg.submit_cedula(sender_id=CHILD_CHAT, text=text), "invalid", "cedula")
    assert outcome.data == {"reason": reason}


@pytest.mark.parametrize("cedula", [unknown_cedula(), SOFIA.cedula, MATEO.cedula])
def test_every_well_formed_cedula_goes_on_to_the_code(bank: Bank, cedula: str) -> None:
    reg = bank.mini_registration
    reg.start(sender_id=CHILD_CHAT)
    outcome = expect(reg.submit_cedula(sender_id=CHILD_CHAT, text=cedula), "ok", "activation_code")
    assert outcome.data == {}


def test_a_child_who_has_a_user_is_told_after_a_valid_code(bank: Bank) -> None:
    registration_to_finish(bank, username="andreita2015")
    expect(bank.mini_registration.complete(sender_id=CHILD_CHAT), "completed")
    reg, chat = bank.mini_registration, "tg:2002"
    reg.start(sender_id=chat)
    expect(reg.submit_cedula(sender_id=chat, text=ANDREA.cedula), "ok", "activation_code")
    expect(reg.submit_activation_code(sender_id=chat, code="123456"), "wrong", "activation_code")
    code = new_code(bank)
    expect(reg.submit_activation_code(sender_id=chat, code=code), "already_has_user", "ended")
    assert reg.current_step(sender_id=chat) == "ended"
    expect(reg.start(sender_id=chat), "started", "cedula")


def test_activation_code_answers(bank: Bank) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    reg.start(sender_id=chat)
    reg.submit_cedula(sender_id=chat, text=MATEO.cedula)
    none_yet = expect(reg.submit_activation_code(sender_id=chat, code="123456"), "wrong")
    assert none_yet.data == {"attempts_left": 4}, "no code yet is a plain miss"
    code = new_code(bank, MATEO.cedula)
    expect(reg.submit_activation_code(sender_id=chat, code="12a456"), "invalid", "activation_code")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    miss = expect(reg.submit_activation_code(sender_id=chat, code=wrong), "wrong")
    assert miss.data == {"attempts_left": 3}
    expect(reg.submit_activation_code(sender_id=chat, code=code), "ok", "avatar")
    expect(reg.submit_activation_code(sender_id=chat, code=code), "wrong_step", "avatar")


def test_an_expired_and_a_used_code(bank: Bank, clock: FixedClock) -> None:
    reg = bank.mini_registration
    for chat in ("tg:a", "tg:b"):
        reg.start(sender_id=chat)
        reg.submit_cedula(sender_id=chat, text=ANDREA.cedula)
    code = new_code(bank)
    expect(reg.submit_activation_code(sender_id="tg:a", code=code), "ok")
    expect(reg.submit_activation_code(sender_id="tg:b", code=code), "used", "activation_code")
    code = new_code(bank)
    clock.advance(minutes=9)
    reg.touch(sender_id="tg:b")
    clock.advance(minutes=1)
    expect(reg.submit_activation_code(sender_id="tg:b", code=code), "expired")


def test_asking_the_parent_for_a_code(bank: Bank, clock: FixedClock) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    reg.start(sender_id=chat)
    expect(reg.request_code(sender_id=chat), "wrong_step", "cedula")
    reg.submit_cedula(sender_id=chat, text=ANDREA.cedula)
    # Carlos never signed in: no chat known, nothing is sent, and the answer is the same.
    expect(reg.request_code(sender_id=chat), "asked", "activation_code")
    assert "code_requested_at" not in journey_data(bank, KIND, chat)
    assert bank.notifications.claim() == []
    clock.advance(seconds=30)
    soon = expect(reg.request_code(sender_id=chat), "too_soon")
    assert soon.data == {"seconds": 90}
    clock.advance(seconds=90)
    sign_in_carlos(bank)
    expect(reg.request_code(sender_id=chat), "asked", "activation_code")
    assert "code_requested_at" in journey_data(bank, KIND, chat)
    (notice,) = bank.notifications.claim()
    assert (notice.sender_id, notice.kind, dict(notice.data)) == (
        "tg:1003",
        "mini_code_requested",
        {"child": "Andrea", "child_ref": account_ref(bank)},
    )
    with unit_of_work(bank.sessions) as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert actions.count("mini_registration.code_requested") == 1
    assert actions.count("mini_registration.code_request_not_sent") == 1


def test_avatar_username_and_picture_password_rules(bank: Bank) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    registration_to_avatar(bank)
    bad = expect(reg.submit_avatar(sender_id=chat, avatar_id="sec_sun"), "invalid", "avatar")
    assert bad.data == {"reason": "unknown_avatar"}
    reg.submit_avatar(sender_id=chat, avatar_id="avatar_owl")
    short = expect(reg.submit_username(sender_id=chat, text="corto"), "invalid", "username")
    assert short.data == {"reason": "too_short"}
    expect(reg.submit_username(sender_id=chat, text="andrea 2015"), "invalid")
    expect(reg.submit_username(sender_id=chat, text="andreita2015"), "ok", "picture_password")
    three = reg.submit_picture_password(sender_id=chat, picture_ids=PICTURES[:3])
    expect(three, "invalid", "picture_password")
    assert three.data == {"reason": "bad_picture_password"}
    expect(reg.submit_picture_password(sender_id=chat, picture_ids=PICTURES), "ok")
    mismatch = reg.submit_picture_password_confirmation(sender_id=chat, picture_ids=OTHER_PICTURES)
    expect(mismatch, "mismatch", "picture_password")
    assert "picture_password_hash" not in journey_data(bank, KIND, chat)
    expect(reg.submit_picture_password(sender_id=chat, picture_ids=OTHER_PICTURES), "ok")
    expect(
        reg.submit_picture_password_confirmation(sender_id=chat, picture_ids=["pic_star"]),
        "invalid",
        "picture_password_confirmation",
    )
    expect(
        reg.submit_picture_password_confirmation(sender_id=chat, picture_ids=OTHER_PICTURES),
        "ok",
        "finish",
    )


def test_a_taken_username_offers_suggestions(bank: Bank) -> None:
    registration_to_avatar(bank, "tg:mateo", MATEO.cedula)
    reg = bank.mini_registration
    reg.submit_avatar(sender_id="tg:mateo", avatar_id="avatar_dog")
    registration_to_finish(bank, username="superkid2015")
    expect(reg.complete(sender_id=CHILD_CHAT), "completed")
    taken = expect(reg.submit_username(sender_id="tg:mateo", text="SUPERKID2015"), "taken")
    suggestions = taken.data["suggestions"]
    assert len(suggestions) == 3
    assert all(bank.child_users.check_username(s).code == "available" for s in suggestions)


def test_a_username_taken_meanwhile_is_chosen_again_then_straight_to_finish(bank: Bank) -> None:
    reg = bank.mini_registration
    registration_to_finish(bank, username="superkid2015")
    registration_to_finish(bank, "tg:mateo", username="superkid2015", cedula=MATEO.cedula)
    expect(reg.complete(sender_id="tg:mateo"), "completed")
    lost = expect(reg.complete(sender_id=CHILD_CHAT), "username_taken", "username")
    assert len(lost.data["suggestions"]) == 3
    expect(
        reg.submit_username(sender_id=CHILD_CHAT, text=lost.data["suggestions"][0]), "ok", "finish"
    )
    done = expect(reg.complete(sender_id=CHILD_CHAT), "completed")
    assert done.data["username"] == lost.data["suggestions"][0]


def test_a_code_accepted_too_long_ago_must_be_typed_again(bank: Bank, clock: FixedClock) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    registration_to_finish(bank, username="andreita2015")
    for _ in range(4):  # busy for 36 minutes, never idle for 10
        clock.advance(minutes=9)
        expect(reg.touch(sender_id=chat), "active")
    expect(reg.complete(sender_id=chat), "no_valid_code", "activation_code")
    assert not {"avatar", "username", "picture_password_hash"} & set(journey_data(bank, KIND, chat))
    expect(reg.submit_activation_code(sender_id=chat, code=new_code(bank)), "ok", "avatar")


def test_two_chats_of_one_child_create_one_user(bank: Bank) -> None:
    registration_to_finish(bank, username="andreita2015")
    registration_to_finish(bank, "tg:tablet", username="andreaotra1")
    expect(bank.mini_registration.complete(sender_id="tg:tablet"), "completed")
    expect(bank.mini_registration.complete(sender_id=CHILD_CHAT), "already_has_user", "ended")
    with unit_of_work(bank.sessions) as session:
        assert len(list(session.scalars(select(MiniUser)))) == 1


def test_going_back_stops_at_the_avatar(bank: Bank) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    reg.start(sender_id=chat)
    expect(reg.go_back(sender_id=chat), "cannot_go_back", "cedula")
    reg.submit_cedula(sender_id=chat, text=ANDREA.cedula)
    expect(reg.go_back(sender_id=chat), "cannot_go_back", "activation_code")
    expect(reg.submit_activation_code(sender_id=chat, code=new_code(bank)), "ok")
    expect(reg.go_back(sender_id=chat), "cannot_go_back", "avatar")
    reg.submit_avatar(sender_id=chat, avatar_id="avatar_cat")
    reg.submit_username(sender_id=chat, text="andreita2015")
    reg.submit_picture_password(sender_id=chat, picture_ids=PICTURES)
    expect(reg.go_back(sender_id=chat), "ok", "picture_password")
    assert "picture_password_hash" not in journey_data(bank, KIND, chat)
    expect(reg.go_back(sender_id=chat), "ok", "username")
    expect(reg.go_back(sender_id=chat), "ok", "avatar")
    assert not {"avatar", "username"} & set(journey_data(bank, KIND, chat))
    assert journey_data(bank, KIND, chat)["cedula"] == ANDREA.cedula


def test_a_call_for_another_step_changes_nothing(bank: Bank) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    expect(reg.submit_cedula(sender_id=chat, text=ANDREA.cedula), "wrong_step")
    assert reg.submit_cedula(sender_id=chat, text=ANDREA.cedula).step is None
    reg.start(sender_id=chat)
    before = journey_row(bank, KIND, chat)
    calls: list[Outcome] = [
        reg.submit_activation_code(sender_id=chat, code="123456"),
        reg.submit_avatar(sender_id=chat, avatar_id="avatar_cat"),
        reg.submit_username(sender_id=chat, text="andreita2015"),
        reg.submit_picture_password(sender_id=chat, picture_ids=PICTURES),
        reg.submit_picture_password_confirmation(sender_id=chat, picture_ids=PICTURES),
        reg.complete(sender_id=chat),
    ]
    assert {(o.code, o.step) for o in calls} == {("wrong_step", "cedula")}
    after = journey_row(bank, KIND, chat)
    assert (after.step, after.data) == (before.step, before.data)


def test_ten_idle_minutes_restart_at_the_cedula(bank: Bank, clock: FixedClock) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    expect(reg.touch(sender_id=chat), "none")
    reg.start(sender_id=chat)
    reg.submit_cedula(sender_id=chat, text=ANDREA.cedula)
    clock.advance(minutes=9, seconds=59)
    expect(reg.touch(sender_id=chat), "active", "activation_code")
    clock.advance(minutes=10)
    assert reg.current_step(sender_id=chat) == "cedula"
    expect(reg.touch(sender_id=chat), "restarted_inactive", "cedula")
    assert journey_data(bank, KIND, chat) == {}
    reg.submit_cedula(sender_id=chat, text=ANDREA.cedula)
    clock.advance(minutes=10)
    expect(reg.submit_activation_code(sender_id=chat, code="123456"), "restarted_inactive")
    clock.advance(minutes=10)
    expect(reg.submit_cedula(sender_id=chat, text=ANDREA.cedula), "ok", "activation_code")
    clock.advance(minutes=10)
    expect(reg.start(sender_id=chat), "started", "cedula")


def test_cancel(bank: Bank) -> None:
    reg, chat = bank.mini_registration, CHILD_CHAT
    expect(reg.cancel(sender_id=chat), "none")
    reg.start(sender_id=chat)
    expect(reg.cancel(sender_id=chat), "cancelled", "cancelled")
    expect(reg.cancel(sender_id=chat), "none", "cancelled")
    assert reg.current_step(sender_id=chat) == "cancelled"
