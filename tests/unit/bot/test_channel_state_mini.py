"""Channel state for Cuenta Mini: picture-password picks (repeats allowed, forgotten once used),
the secret kind a "Listo" button carries, and messages scheduled for deletion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from telegram_harness import cheap_bank

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bot.chat_state import chat_state_of
from bot.chat_state.deletions import DELETION_ATTEMPTS, DELETION_RETRY, DELETION_TTL
from bot.chat_state.keyboards import ACTION_DONE, ACTION_PICK, ACTION_UNDO, ButtonSpec

CHAT = "tg:1003"


def stored_deletions(bank: Bank) -> int:
    with unit_of_work(bank.sessions) as session:
        return int(session.scalar(text("SELECT count(*) FROM scheduled_deletions")) or 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def bank(tmp_path: Path, clock: FixedClock) -> Iterator[Bank]:
    built = cheap_bank(tmp_path, clock)
    yield built
    built.dispose()


def test_a_picture_password_may_repeat_pictures_and_is_forgotten_once_submitted(
    bank: Bank,
) -> None:
    state = chat_state_of(bank)
    ids = ["pic_a", "pic_b", "pic_c"]
    keyboard_id, callbacks = state.keyboards.register(
        CHAT,
        [ButtonSpec(ACTION_PICK, picture, str(n)) for n, picture in enumerate(ids, 1)]
        + [
            ButtonSpec(ACTION_UNDO, "", "Borrar"),
            ButtonSpec(ACTION_DONE, "picture_password", "Listo"),
        ],
        choose=4,
        payload_template='/inform{"secret_ref": "%s"}',
    )
    for pick in ("pic_a", "pic_a", "pic_b", "pic_c"):
        assert state.keyboards.change_picks(keyboard_id, add=pick).changed
    assert not state.keyboards.change_picks(keyboard_id, add="pic_a").changed, "stops at 4"
    assert ",".join(state.keyboards.picks(keyboard_id)) == "pic_a,pic_a,pic_b,pic_c"

    done = state.keyboards.resolve_tap(callbacks[-1], CHAT)
    pick = state.keyboards.resolve_tap(callbacks[0], CHAT)
    undo = state.keyboards.resolve_tap(callbacks[-2], CHAT)
    assert done is not None and done.secret_kind == "picture_password"
    assert pick is not None and pick.secret_kind is None
    assert undo is not None and undo.secret_kind is None

    assert state.keyboards.use(keyboard_id)
    assert state.keyboards.picks(keyboard_id) == (), "the picks do not outlive the submission"


def test_a_plain_multi_pick_keyboard_has_no_secret_kind(bank: Bank) -> None:
    state = chat_state_of(bank)
    _, (done_id,) = state.keyboards.register(CHAT, [ButtonSpec(ACTION_DONE, "", "Listo")], choose=2)
    done = state.keyboards.resolve_tap(done_id, CHAT)
    assert done is not None and done.secret_kind is None


def test_a_deletion_is_due_only_when_its_time_comes_and_is_claimed_once(
    bank: Bank, clock: FixedClock
) -> None:
    state = chat_state_of(bank)
    state.deletions.schedule(CHAT, 41, after=timedelta(minutes=10))
    state.deletions.schedule("cli:x", 7, after=timedelta(minutes=1))
    assert state.deletions.pending(CHAT) == [(41, clock.now() + timedelta(minutes=10))]
    clock.advance(minutes=9, seconds=59)
    assert state.deletions.claim_due(chat_prefix="tg:") == []
    clock.advance(seconds=1)
    (due,) = state.deletions.claim_due(chat_prefix="tg:")
    assert (due.chat_key, due.message_id) == (CHAT, 41)
    assert state.deletions.claim_due(chat_prefix="tg:") == [], "claimed: another bot skips it"
    state.deletions.done(due.id)
    clock.advance(DELETION_RETRY)
    assert state.deletions.claim_due(chat_prefix="tg:") == []
    assert state.deletions.pending(CHAT) == []
    (other,) = state.deletions.claim_due()
    assert other.chat_key == "cli:x"


def test_a_failed_deletion_is_retried_a_few_times_then_dropped(
    bank: Bank, clock: FixedClock
) -> None:
    state = chat_state_of(bank)
    state.deletions.schedule(CHAT, 41, after=timedelta(0))
    claims = 0
    for _ in range(DELETION_ATTEMPTS + 2):
        claims += len(state.deletions.claim_due())
        clock.advance(DELETION_RETRY)
    assert claims == DELETION_ATTEMPTS
    assert state.deletions.pending(CHAT) != [], "given up, not done"
    clock.advance(DELETION_TTL)
    state.purge()
    assert state.deletions.pending(CHAT) == []


def test_done_deletions_are_purged_after_a_while(bank: Bank, clock: FixedClock) -> None:
    state = chat_state_of(bank)
    state.deletions.schedule(CHAT, 41, after=timedelta(0))
    (due,) = state.deletions.claim_due()
    state.deletions.done(due.id)
    state.purge()
    assert stored_deletions(bank) == 1
    clock.advance(DELETION_TTL + timedelta(minutes=1))
    state.purge()
    assert stored_deletions(bank) == 0
