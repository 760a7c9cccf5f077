"""The chat state's stores: pending input, callback ids, update ids, media cache, notices."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram_harness import cheap_bank

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.settings import Settings
from bot.chat_state import chat_state_of
from bot.chat_state.keyboards import (
    ACTION_DONE,
    ACTION_PICK,
    ACTION_SEND,
    ACTION_UNDO,
    ButtonSpec,
    is_callback_id,
    new_callback_id,
)
from bot.chat_state.tables import ChannelKeyboard
from tests.support.banks import memory_bank

CHAT = "tg:1001"


@pytest.fixture
def clock() -> FixedClock:
    """Time stands still until a test moves it."""
    return FixedClock()


@pytest.fixture
def bank(clock: FixedClock) -> Iterator[Bank]:
    """An in-memory database with every table (the chat state's too)."""
    yield from memory_bank(cheap_settings("sqlite://"), clock)


@pytest.fixture
def file_bank(tmp_path: Path, clock: FixedClock) -> Iterator[Bank]:
    """A migrated SQLite file (for real concurrency)."""
    built = cheap_bank(tmp_path, clock)
    yield built
    built.dispose()


def test_pending_input_is_set_replaced_cleared_and_expires(bank: Bank, clock: FixedClock) -> None:
    state = chat_state_of(bank)
    assert state.pending_inputs.get(CHAT) is None
    state.pending_inputs.set(CHAT, "pin")
    state.pending_inputs.set(CHAT, "otp")
    assert state.pending_inputs.get(CHAT) == "otp"
    assert state.pending_inputs.get("tg:other") is None
    state.pending_inputs.clear(CHAT)
    assert state.pending_inputs.get(CHAT) is None
    state.pending_inputs.set(CHAT, "password")
    clock.advance(minutes=16)
    assert state.pending_inputs.get(CHAT) is None


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
    state = chat_state_of(bank)
    keyboard_id, (yes, no) = state.keyboards.register(
        CHAT,
        [ButtonSpec(ACTION_SEND, "/affirm", "Sí"), ButtonSpec(ACTION_SEND, "/deny", "No")],
    )
    state.keyboards.attach_message(keyboard_id, 42)
    tap = state.keyboards.resolve_tap(no, CHAT)
    assert tap is not None
    assert (tap.payload, tap.title, tap.message_id, tap.keyboard_used) == ("/deny", "No", 42, False)
    assert state.keyboards.resolve_tap(yes, "tg:9999") is None
    assert state.keyboards.resolve_tap(new_callback_id(), CHAT) is None


def test_a_keyboard_is_used_once_even_under_a_race(file_bank: Bank) -> None:
    state = chat_state_of(file_bank)
    keyboard_id, _ = state.keyboards.register(CHAT, [ButtonSpec(ACTION_SEND, "/affirm", "Sí")])
    barrier = threading.Barrier(6)
    wins: list[bool] = []

    def tap() -> None:
        barrier.wait()
        wins.append(state.keyboards.use(keyboard_id))

    threads = [threading.Thread(target=tap) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 5 + [True]


def test_picks_add_undo_stop_at_choose_and_are_encrypted(bank: Bank) -> None:
    state = chat_state_of(bank)
    keyboard_id, _ = state.keyboards.register(
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
    assert state.keyboards.change_picks(keyboard_id, add="pic_star").picks == ("pic_star",)
    assert state.keyboards.change_picks(keyboard_id, add="pic_apple").picks == (
        "pic_star",
        "pic_apple",
    )
    full = state.keyboards.change_picks(keyboard_id, add="pic_apple")
    assert not full.changed and full.picks == ("pic_star", "pic_apple")
    with unit_of_work(bank.sessions) as session:
        sealed = session.scalar(select(ChannelKeyboard.picks_sealed))
    assert sealed is not None and "pic_" not in sealed
    assert state.keyboards.change_picks(keyboard_id).picks == ("pic_star",)
    assert state.keyboards.picks(keyboard_id) == ("pic_star",)
    state.keyboards.use(keyboard_id)
    assert not state.keyboards.change_picks(keyboard_id, add="pic_apple").changed


def test_unknown_button_action_is_refused(bank: Bank) -> None:
    try:
        chat_state_of(bank).keyboards.register(CHAT, [ButtonSpec("launch", "/x", "X")])
    except ValueError:
        return
    raise AssertionError("an unknown action was accepted")


def test_update_ids_are_claimed_once_per_bot(bank: Bank) -> None:
    state = chat_state_of(bank)
    assert state.updates.claim("bot1", 700)
    assert not state.updates.claim("bot1", 700)
    assert state.updates.claim("bot2", 700)
    assert state.updates.claim("bot1", 701)


def test_old_keyboards_and_update_ids_are_purged(bank: Bank, clock: FixedClock) -> None:
    state = chat_state_of(bank)
    _, (old,) = state.keyboards.register(CHAT, [ButtonSpec(ACTION_SEND, "/affirm", "Sí")])
    state.updates.claim("bot1", 1)
    clock.advance(hours=49)
    state.purge()
    assert state.keyboards.resolve_tap(old, CHAT) is None
    assert state.updates.claim("bot1", 1)


def test_media_file_ids_are_remembered_replaced_and_forgotten(bank: Bank) -> None:
    state = chat_state_of(bank)
    assert state.media.file_id("bot1", "k1") is None
    state.media.remember("bot1", "k1", "FILE-A")
    state.media.remember("bot1", "k1", "FILE-B")
    assert state.media.file_id("bot1", "k1") == "FILE-B"
    assert state.media.file_id("bot2", "k1") is None
    state.media.forget("bot1", "k1")
    assert state.media.file_id("bot1", "k1") is None


def test_a_notice_is_first_only_once_per_chat(bank: Bank) -> None:
    state = chat_state_of(bank)
    assert state.notices.first(CHAT, "secret_deleted")
    assert not state.notices.first(CHAT, "secret_deleted")
    assert state.notices.first("tg:2", "secret_deleted")


def cheap_settings(database_url: str) -> Settings:
    """Settings with a random key and the cheapest argon2id cost."""
    return Settings(
        database_url=database_url,
        secret_key=secrets.token_hex(32),
        argon2_time_cost=1,
        argon2_memory_kib=8,
        argon2_parallelism=1,
    )
