"""Bot-side channel state: pending input, callback ids, update ids, media cache, notices."""

from __future__ import annotations

import threading

from sqlalchemy import select

from bank.bootstrap import Bank
from bank.channel_state import (
    ACTION_DONE,
    ACTION_PICK,
    ACTION_SEND,
    ACTION_UNDO,
    ButtonSpec,
    is_callback_id,
    new_callback_id,
)
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.models import ChannelKeyboard

CHAT = "tg:1001"


def test_pending_input_is_set_replaced_cleared_and_expires(bank: Bank, clock: FixedClock) -> None:
    state = bank.channel_state
    assert state.pending_input(CHAT) is None
    state.set_pending_input(CHAT, "pin")
    state.set_pending_input(CHAT, "otp")
    assert state.pending_input(CHAT) == "otp"
    assert state.pending_input("tg:other") is None
    state.clear_pending_input(CHAT)
    assert state.pending_input(CHAT) is None
    state.set_pending_input(CHAT, "password")
    clock.advance(minutes=16)
    assert state.pending_input(CHAT) is None


def test_callback_ids_are_short_opaque_and_unique() -> None:
    ids = {new_callback_id() for _ in range(2000)}
    assert len(ids) == 2000
    for callback_id in ids:
        assert len(callback_id.encode()) == 12
        assert is_callback_id(callback_id)
    assert not is_callback_id('/inform{"image_id": "sec_sun"}')
    assert not is_callback_id("c:short")
    assert not is_callback_id("c:abc$%^&*()x")


def test_a_tap_resolves_only_in_its_own_chat(bank: Bank) -> None:
    state = bank.channel_state
    keyboard_id, (yes, no) = state.register_keyboard(
        CHAT,
        [ButtonSpec(ACTION_SEND, "/affirm", "Sí"), ButtonSpec(ACTION_SEND, "/deny", "No")],
    )
    state.attach_message(keyboard_id, 42)
    tap = state.resolve_tap(no, CHAT)
    assert tap is not None
    assert (tap.payload, tap.title, tap.message_id, tap.keyboard_used) == ("/deny", "No", 42, False)
    assert state.resolve_tap(yes, "tg:9999") is None
    assert state.resolve_tap(new_callback_id(), CHAT) is None


def test_a_keyboard_is_used_once_even_under_a_race(file_bank: Bank) -> None:
    state = file_bank.channel_state
    keyboard_id, _ = state.register_keyboard(CHAT, [ButtonSpec(ACTION_SEND, "/affirm", "Sí")])
    barrier = threading.Barrier(6)
    wins: list[bool] = []

    def tap() -> None:
        barrier.wait()
        wins.append(state.use_keyboard(keyboard_id))

    threads = [threading.Thread(target=tap) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 5 + [True]


def test_picks_add_undo_stop_at_choose_and_are_encrypted(bank: Bank) -> None:
    state = bank.channel_state
    keyboard_id, _ = state.register_keyboard(
        CHAT,
        [
            ButtonSpec(ACTION_PICK, "pic_apple", "1"),
            ButtonSpec(ACTION_PICK, "pic_star", "2"),
            ButtonSpec(ACTION_UNDO, "", "Borrar"),
            ButtonSpec(ACTION_DONE, "", "Listo"),
        ],
        choose=2,
        payload_template='/inform{"image_id": "%s"}',
    )
    assert state.change_picks(keyboard_id, add="pic_star").picks == ("pic_star",)
    assert state.change_picks(keyboard_id, add="pic_apple").picks == ("pic_star", "pic_apple")
    full = state.change_picks(keyboard_id, add="pic_apple")
    assert not full.changed and full.picks == ("pic_star", "pic_apple")
    with unit_of_work(bank.sessions) as session:
        sealed = session.scalar(select(ChannelKeyboard.picks_sealed))
    assert sealed is not None and "pic_" not in sealed
    assert state.change_picks(keyboard_id).picks == ("pic_star",)
    assert state.picks(keyboard_id) == ("pic_star",)
    state.use_keyboard(keyboard_id)
    assert not state.change_picks(keyboard_id, add="pic_apple").changed


def test_unknown_button_action_is_refused(bank: Bank) -> None:
    try:
        bank.channel_state.register_keyboard(CHAT, [ButtonSpec("launch", "/x", "X")])
    except ValueError:
        return
    raise AssertionError("an unknown action was accepted")


def test_update_ids_are_claimed_once_per_bot(bank: Bank) -> None:
    state = bank.channel_state
    assert state.claim_update("bot1", 700)
    assert not state.claim_update("bot1", 700)
    assert state.claim_update("bot2", 700)
    assert state.claim_update("bot1", 701)


def test_old_keyboards_and_update_ids_are_purged(bank: Bank, clock: FixedClock) -> None:
    state = bank.channel_state
    _, (old,) = state.register_keyboard(CHAT, [ButtonSpec(ACTION_SEND, "/affirm", "Sí")])
    state.claim_update("bot1", 1)
    clock.advance(hours=49)
    state.purge()
    assert state.resolve_tap(old, CHAT) is None
    assert state.claim_update("bot1", 1)


def test_media_file_ids_are_remembered_replaced_and_forgotten(bank: Bank) -> None:
    state = bank.channel_state
    assert state.media_file_id("bot1", "k1") is None
    state.remember_media("bot1", "k1", "FILE-A")
    state.remember_media("bot1", "k1", "FILE-B")
    assert state.media_file_id("bot1", "k1") == "FILE-B"
    assert state.media_file_id("bot2", "k1") is None
    state.forget_media("bot1", "k1")
    assert state.media_file_id("bot1", "k1") is None


def test_a_notice_is_first_only_once_per_chat(bank: Bank) -> None:
    state = bank.channel_state
    assert state.first_notice(CHAT, "secret_deleted")
    assert not state.first_notice(CHAT, "secret_deleted")
    assert state.first_notice("tg:2", "secret_deleted")
