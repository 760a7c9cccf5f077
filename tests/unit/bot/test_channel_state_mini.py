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
from bank.channel_state import (
    ACTION_DONE,
    ACTION_PICK,
    ACTION_UNDO,
    DELETION_ATTEMPTS,
    DELETION_RETRY,
    DELETION_TTL,
    ButtonSpec,
)
from bank.clock import FixedClock
from bank.db import unit_of_work

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
    state = bank.channel_state
    ids = ["pic_a", "pic_b", "pic_c"]
    keyboard_id, callbacks = state.register_keyboard(
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
        assert state.change_picks(keyboard_id, add=pick).changed
    assert not state.change_picks(keyboard_id, add="pic_a").changed, "stops at 4"
    assert ",".join(state.picks(keyboard_id)) == "pic_a,pic_a,pic_b,pic_c"

    done = state.resolve_tap(callbacks[-1], CHAT)
    pick = state.resolve_tap(callbacks[0], CHAT)
    undo = state.resolve_tap(callbacks[-2], CHAT)
    assert done is not None and done.secret_kind == "picture_password"
    assert pick is not None and pick.secret_kind is None
    assert undo is not None and undo.secret_kind is None

    assert state.use_keyboard(keyboard_id)
    assert state.picks(keyboard_id) == (), "the picks do not outlive the submission"


def test_a_plain_multi_pick_keyboard_has_no_secret_kind(bank: Bank) -> None:
    state = bank.channel_state
    _, (done_id,) = state.register_keyboard(CHAT, [ButtonSpec(ACTION_DONE, "", "Listo")], choose=2)
    done = state.resolve_tap(done_id, CHAT)
    assert done is not None and done.secret_kind is None


def test_a_deletion_is_due_only_when_its_time_comes_and_is_claimed_once(
    bank: Bank, clock: FixedClock
) -> None:
    state = bank.channel_state
    state.schedule_deletion(CHAT, 41, after=timedelta(minutes=10))
    state.schedule_deletion("cli:x", 7, after=timedelta(minutes=1))
    assert state.pending_deletions(CHAT) == [(41, clock.now() + timedelta(minutes=10))]
    clock.advance(minutes=9, seconds=59)
    assert state.claim_due_deletions(chat_prefix="tg:") == []
    clock.advance(seconds=1)
    (due,) = state.claim_due_deletions(chat_prefix="tg:")
    assert (due.chat_key, due.message_id) == (CHAT, 41)
    assert state.claim_due_deletions(chat_prefix="tg:") == [], "claimed: another bot skips it"
    state.deletion_done(due.id)
    clock.advance(DELETION_RETRY)
    assert state.claim_due_deletions(chat_prefix="tg:") == []
    assert state.pending_deletions(CHAT) == []
    (other,) = state.claim_due_deletions()
    assert other.chat_key == "cli:x"


def test_a_failed_deletion_is_retried_a_few_times_then_dropped(
    bank: Bank, clock: FixedClock
) -> None:
    state = bank.channel_state
    state.schedule_deletion(CHAT, 41, after=timedelta(0))
    claims = 0
    for _ in range(DELETION_ATTEMPTS + 2):
        claims += len(state.claim_due_deletions())
        clock.advance(DELETION_RETRY)
    assert claims == DELETION_ATTEMPTS
    assert state.pending_deletions(CHAT) != [], "given up, not done"
    clock.advance(DELETION_TTL)
    state.purge()
    assert state.pending_deletions(CHAT) == []


def test_done_deletions_are_purged_after_a_while(bank: Bank, clock: FixedClock) -> None:
    state = bank.channel_state
    state.schedule_deletion(CHAT, 41, after=timedelta(0))
    (due,) = state.claim_due_deletions()
    state.deletion_done(due.id)
    state.purge()
    assert stored_deletions(bank) == 1
    clock.advance(DELETION_TTL + timedelta(minutes=1))
    state.purge()
    assert stored_deletions(bank) == 0
