"""Cuenta Mini users: username rules, picture passwords (hashing, shuffling), sign-in locks."""

from __future__ import annotations

from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS, MATEO
from bank.mini.pictures import (
    AVATARS,
    PASSWORD_PICTURE_IDS,
    PASSWORD_PICTURES,
    picture_password_text,
    shuffled_password_pictures,
)
from bank.models import Customer, MiniUser
from bank.validators import validate_child_username

PASSWORD = ["pic_star", "pic_fish", "pic_star", "pic_kite"]


def activate(bank: Bank, cedula: str = ANDREA.cedula) -> None:
    with unit_of_work(bank.sessions) as session:
        carlos = session.scalar(select(Customer.id).where(Customer.id_number == CARLOS.id_number))
    assert carlos is not None
    issue = bank.activation_codes.generate(parent_id=carlos, child_cedula=cedula)
    assert issue.activation_code is not None
    assert bank.activation_codes.check(child_cedula=cedula, code=issue.activation_code).code == "ok"


def create_andrea(bank: Bank, username: str = "andreita2015") -> str:
    activate(bank)
    result = bank.child_users.create(
        child_cedula=ANDREA.cedula, username=username, avatar="avatar_cat", picture_ids=PASSWORD
    )
    assert result.code == "created", result
    return username


def test_child_username_rules() -> None:
    assert validate_child_username(" andrea2015 ").value == "andrea2015"
    assert validate_child_username("andrea1").reason == "too_short"
    assert validate_child_username("a" * 21).reason == "too_long"
    assert validate_child_username("andrea 2015").reason == "bad_chars"
    assert validate_child_username("andreañ2015").reason == "bad_chars"


def test_the_picture_sets_are_big_enough_and_known_to_the_channel() -> None:
    from bot.pictures import KNOWN_ICON_IDS

    assert len(AVATARS) >= 8 and len(PASSWORD_PICTURES) >= 12
    assert {i for i, _ in AVATARS} | PASSWORD_PICTURE_IDS <= KNOWN_ICON_IDS


def test_a_picture_password_is_four_known_pictures_in_order() -> None:
    assert picture_password_text(PASSWORD) == "pic_star,pic_fish,pic_star,pic_kite"
    assert picture_password_text(PASSWORD[:3]) is None
    assert picture_password_text([*PASSWORD, "pic_ball"]) is None
    assert picture_password_text(["pic_star", "pic_fish", "sec_sun", "pic_kite"]) is None


def test_the_grid_order_changes_between_keyboards() -> None:
    orders = {tuple(i for i, _ in shuffled_password_pictures()) for _ in range(20)}
    assert len(orders) > 15
    assert all(sorted(order) == sorted(PASSWORD_PICTURE_IDS) for order in orders)


def test_a_user_needs_a_recently_used_activation_code(bank: Bank, clock: FixedClock) -> None:
    args = {"username": "andreita2015", "avatar": "avatar_cat", "picture_ids": PASSWORD}
    assert bank.child_users.create(child_cedula=ANDREA.cedula, **args).code == "no_valid_code"  # type: ignore[arg-type]
    activate(bank)
    clock.advance(minutes=31)
    assert bank.child_users.create(child_cedula=ANDREA.cedula, **args).code == "no_valid_code"  # type: ignore[arg-type]


def test_the_picture_password_is_stored_as_argon2id(bank: Bank) -> None:
    create_andrea(bank)
    with unit_of_work(bank.sessions) as session:
        stored = session.scalar(select(MiniUser.picture_password_hash))
    assert stored is not None and stored.startswith("pep1$$argon2id$")
    assert "pic_" not in stored


def test_taken_usernames_get_available_suggestions(bank: Bank) -> None:
    create_andrea(bank, "andreita2015")
    check = bank.child_users.check_username("ANDREITA2015")
    assert check.code == "taken" and len(check.suggestions) == 3
    for suggestion in check.suggestions:
        assert bank.child_users.check_username(suggestion).code == "available"
    assert bank.child_users.check_username("corto").reason == "too_short"
    activate(bank, MATEO.cedula)
    taken = bank.child_users.create(
        child_cedula=MATEO.cedula,
        username="Andreita2015",
        avatar="avatar_dog",
        picture_ids=PASSWORD,
    )
    assert taken.code == "taken" and taken.suggestions


def test_one_user_per_child_and_valid_choices_only(bank: Bank) -> None:
    create_andrea(bank)
    again = bank.child_users.create(
        child_cedula=ANDREA.cedula,
        username="otronombre1",
        avatar="avatar_cat",
        picture_ids=PASSWORD,
    )
    assert again.code == "already_has_user"
    bad_avatar = bank.child_users.create(
        child_cedula=ANDREA.cedula, username="otronombre1", avatar="sec_sun", picture_ids=PASSWORD
    )
    assert bad_avatar.reason == "unknown_avatar"


def test_sign_in_greets_by_avatar_and_five_failures_lock_and_warn_the_parent(
    bank: Bank, clock: FixedClock
) -> None:
    username = create_andrea(bank)
    ok = bank.child_users.sign_in(username=username.upper(), picture_ids=PASSWORD)
    assert (ok.code, ok.avatar, ok.first_name) == ("signed_in", "avatar_cat", "Andrea")
    wrong_order = [PASSWORD[1], PASSWORD[0], PASSWORD[2], PASSWORD[3]]
    results = [
        bank.child_users.sign_in(username=username, picture_ids=wrong_order) for _ in range(5)
    ]
    assert [r.code for r in results] == ["wrong"] * 4 + ["locked"]
    assert results[-1].newly_locked and results[-1].parent_id is not None
    still = bank.child_users.sign_in(username=username, picture_ids=PASSWORD)
    assert still.code == "locked" and not still.newly_locked
    clock.advance(minutes=15)
    assert bank.child_users.sign_in(username=username, picture_ids=PASSWORD).code == "signed_in"


def test_unknown_children_cannot_tell_they_are_unknown(bank: Bank) -> None:
    results = [
        bank.child_users.sign_in(username="nadie12345", picture_ids=PASSWORD) for _ in range(5)
    ]
    assert [r.code for r in results] == ["wrong"] * 4 + ["locked"]
    assert not results[-1].newly_locked and results[-1].parent_id is None
