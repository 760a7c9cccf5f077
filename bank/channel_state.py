"""Bot-side state of a chat channel, kept in the database so it survives restarts and scales out.

Pending secure input, callback ids of inline keyboards, update ids already handled, uploaded
pictures' file ids, one-time notices and messages to delete later. Nothing here is a secret in
clear: a pending input names a kind, a callback holds a button payload (or, for "Listo", the
secret kind of the picks), and the picks of a multi-pick keyboard are encrypted.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.clock import Clock
from bank.crypto import SecretCipher
from bank.db import SessionFactory, unit_of_work
from bank.models import (
    ChannelCallback,
    ChannelKeyboard,
    ChannelMedia,
    ChannelNotice,
    ChannelPendingInput,
    ChannelUpdate,
    ScheduledDeletion,
)

PENDING_INPUT_TTL: Final = timedelta(minutes=15)
KEYBOARD_TTL: Final = timedelta(days=2)
UPDATE_ID_TTL: Final = timedelta(days=2)
# A scheduled deletion is tried this many times, this long apart (the claim of an instance);
# finished rows are kept this long.
DELETION_ATTEMPTS: Final = 5
DELETION_RETRY: Final = timedelta(minutes=1)
DELETION_TTL: Final = timedelta(days=2)
CALLBACK_ID_PREFIX: Final = "c:"
# 10 url-safe characters: 60 bits, so ids cannot be guessed; "c:" + 10 = 12 bytes of callback data.
_CALLBACK_ID_BYTES: Final = 8
_KEYBOARD_ID_BYTES: Final = 9

# What a tap means: send the payload, pick an image, undo the last pick, or submit the picks.
# A "done" button's payload is the secret kind of the picks ("" when they are not a secret).
ACTION_SEND: Final = "send"
ACTION_PICK: Final = "pick"
ACTION_UNDO: Final = "undo"
ACTION_DONE: Final = "done"
ACTIONS: Final = frozenset({ACTION_SEND, ACTION_PICK, ACTION_UNDO, ACTION_DONE})


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    """A button to register: what a tap does, its payload (or option id) and its title."""

    action: str
    payload: str
    title: str


@dataclass(frozen=True, slots=True)
class Tap:
    """What a callback id stands for, as stored when the keyboard was sent."""

    callback_id: str
    keyboard_id: str
    chat_key: str
    message_id: int | None
    action: str
    payload: str
    title: str
    keyboard_used: bool
    choose: int
    payload_template: str | None

    @property
    def secret_kind(self) -> str | None:
        """For a "done" tap: the secret kind the picks are sent as, or None (not a secret)."""
        return (self.payload or None) if self.action == ACTION_DONE else None


@dataclass(frozen=True, slots=True)
class DueDeletion:
    """A message whose time to be deleted has come (claimed for DELETION_RETRY)."""

    id: int
    chat_key: str
    message_id: int


@dataclass(frozen=True, slots=True)
class PickResult:
    """The picks of a multi-pick keyboard after a change (ids, in order)."""

    changed: bool
    picks: tuple[str, ...]


class ChannelState:
    """Database-backed channel state; every method opens its own short unit of work."""

    def __init__(
        self, *, session_factory: SessionFactory, clock: Clock, cipher: SecretCipher
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._cipher = cipher

    # Pending secure input -------------------------------------------------------------------

    def pending_input(self, chat_key: str) -> str | None:
        """The secret kind the chat's next message is read as, or None (none or expired)."""
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelPendingInput, chat_key)
            if row is None:
                return None
            if row.expires_at <= self._clock.now():
                session.delete(row)
                return None
            return row.kind

    def set_pending_input(self, chat_key: str, kind: str) -> None:
        """Remember that the chat's next message is a secret of this kind."""
        expires_at = self._clock.now() + PENDING_INPUT_TTL
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelPendingInput, chat_key)
            if row is None:
                session.add(
                    ChannelPendingInput(chat_key=chat_key, kind=kind, expires_at=expires_at)
                )
            else:
                row.kind, row.expires_at = kind, expires_at

    def clear_pending_input(self, chat_key: str) -> None:
        """Forget any pending secure input of the chat."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                delete(ChannelPendingInput).where(ChannelPendingInput.chat_key == chat_key)
            )

    # Inline keyboards and callback ids ------------------------------------------------------

    def register_keyboard(
        self,
        chat_key: str,
        buttons: Sequence[ButtonSpec],
        *,
        choose: int = 1,
        payload_template: str | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """Store a keyboard's buttons; return its id and one opaque callback id per button."""
        for button in buttons:
            if button.action not in ACTIONS:
                raise ValueError(f"unknown button action {button.action!r}")
        keyboard_id = secrets.token_urlsafe(_KEYBOARD_ID_BYTES)
        callback_ids = tuple(new_callback_id() for _ in buttons)
        with unit_of_work(self._sessions) as session:
            self._purge(session)
            session.add(
                ChannelKeyboard(
                    id=keyboard_id,
                    chat_key=chat_key,
                    choose=choose,
                    payload_template=payload_template,
                    used=False,
                    created_at=self._clock.now(),
                )
            )
            session.flush()
            session.add_all(
                ChannelCallback(
                    id=callback_id,
                    keyboard_id=keyboard_id,
                    action=button.action,
                    payload=button.payload,
                    title=button.title[:200],
                )
                for callback_id, button in zip(callback_ids, buttons, strict=True)
            )
        return keyboard_id, callback_ids

    def attach_message(self, keyboard_id: str, message_id: int) -> None:
        """Record which chat message shows the keyboard (so a tap can edit it)."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                update(ChannelKeyboard)
                .where(ChannelKeyboard.id == keyboard_id)
                .values(message_id=message_id)
            )

    def resolve_tap(self, callback_id: str, chat_key: str) -> Tap | None:
        """What a tapped callback id means, if it is one of this chat's live keyboards."""
        if not is_callback_id(callback_id):
            return None
        with unit_of_work(self._sessions) as session:
            row = session.execute(
                select(ChannelCallback, ChannelKeyboard)
                .join(ChannelKeyboard, ChannelCallback.keyboard_id == ChannelKeyboard.id)
                .where(ChannelCallback.id == callback_id, ChannelKeyboard.chat_key == chat_key)
            ).first()
            if row is None:
                return None
            callback, keyboard = row.tuple()
            return Tap(
                callback_id=callback.id,
                keyboard_id=keyboard.id,
                chat_key=keyboard.chat_key,
                message_id=keyboard.message_id,
                action=callback.action,
                payload=callback.payload,
                title=callback.title,
                keyboard_used=keyboard.used,
                choose=keyboard.choose,
                payload_template=keyboard.payload_template,
            )

    def use_keyboard(self, keyboard_id: str) -> bool:
        """Mark a keyboard used and forget its picks; True only for the first caller.

        A double tap counts once; read the picks (`picks`) before using the keyboard.
        """
        with unit_of_work(self._sessions) as session:
            result = cast(
                CursorResult[Any],
                session.execute(
                    update(ChannelKeyboard)
                    .where(ChannelKeyboard.id == keyboard_id, ChannelKeyboard.used.is_(False))
                    .values(used=True, picks_sealed=None)
                    .execution_options(synchronize_session=False)
                ),
            )
            return bool(result.rowcount == 1)

    def change_picks(self, keyboard_id: str, *, add: str | None = None) -> PickResult:
        """Add a pick (add=option id) or undo the last one (add=None) on a live keyboard."""
        with unit_of_work(self._sessions) as session:
            keyboard = session.get(ChannelKeyboard, keyboard_id, with_for_update=True)
            if keyboard is None or keyboard.used:
                return PickResult(changed=False, picks=())
            picks = list(self._open_picks(keyboard.picks_sealed))
            if add is None:
                changed = bool(picks)
                picks = picks[:-1]
            else:
                changed = len(picks) < keyboard.choose
                if changed:
                    picks.append(add)
            keyboard.picks_sealed = self._cipher.encrypt(json.dumps(picks)) if picks else None
            return PickResult(changed=changed, picks=tuple(picks))

    def picks(self, keyboard_id: str) -> tuple[str, ...]:
        """The picks made so far on a multi-pick keyboard."""
        with unit_of_work(self._sessions) as session:
            keyboard = session.get(ChannelKeyboard, keyboard_id)
            return () if keyboard is None else self._open_picks(keyboard.picks_sealed)

    def _open_picks(self, sealed: str | None) -> tuple[str, ...]:
        if sealed is None:
            return ()
        plaintext = self._cipher.decrypt(sealed)
        if plaintext is None:
            return ()
        value = json.loads(plaintext)
        return tuple(item for item in value if isinstance(item, str))

    # Update ids, media, notices ---------------------------------------------------------------

    def claim_update(self, bot_id: str, update_id: int) -> bool:
        """Record an update id; False when it was already handled (a repeated delivery)."""
        try:
            with unit_of_work(self._sessions) as session:
                session.add(
                    ChannelUpdate(bot_id=bot_id, update_id=update_id, received_at=self._clock.now())
                )
        except IntegrityError:
            return False
        return True

    def media_file_id(self, bot_id: str, cache_key: str) -> str | None:
        """The platform's file id of a picture uploaded before, if any."""
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelMedia, (bot_id, cache_key))
            return None if row is None else row.file_id

    def remember_media(self, bot_id: str, cache_key: str, file_id: str) -> None:
        """Remember a picture's file id (the latest upload wins)."""
        with unit_of_work(self._sessions) as session:
            row = session.get(ChannelMedia, (bot_id, cache_key))
            if row is None:
                session.add(
                    ChannelMedia(
                        bot_id=bot_id,
                        cache_key=cache_key,
                        file_id=file_id,
                        created_at=self._clock.now(),
                    )
                )
            else:
                row.file_id = file_id

    def forget_media(self, bot_id: str, cache_key: str) -> None:
        """Drop a file id the platform no longer accepts."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                delete(ChannelMedia).where(
                    ChannelMedia.bot_id == bot_id, ChannelMedia.cache_key == cache_key
                )
            )

    def first_notice(self, chat_key: str, notice: str) -> bool:
        """True the first time a notice is shown in a chat, False ever after."""
        try:
            with unit_of_work(self._sessions) as session:
                session.add(
                    ChannelNotice(chat_key=chat_key, notice=notice, shown_at=self._clock.now())
                )
        except IntegrityError:
            return False
        return True

    # Messages to delete later -----------------------------------------------------------------

    def schedule_deletion(self, chat_key: str, message_id: int, *, after: timedelta) -> None:
        """Remember that a message of the chat must be deleted `after` from now."""
        with unit_of_work(self._sessions) as session:
            session.add(
                ScheduledDeletion(
                    chat_key=chat_key,
                    message_id=message_id,
                    delete_at=self._clock.now() + after,
                    done_at=None,
                    attempts=0,
                )
            )

    def claim_due_deletions(self, *, chat_prefix: str = "", limit: int = 20) -> list[DueDeletion]:
        """Claim due deletions of chats whose key starts with `chat_prefix`.

        A claimed deletion not recorded done is claimable again after DELETION_RETRY.
        """
        now = self._clock.now()
        claimed: list[DueDeletion] = []
        with unit_of_work(self._sessions) as session:
            rows = session.execute(
                select(
                    ScheduledDeletion.id,
                    ScheduledDeletion.chat_key,
                    ScheduledDeletion.message_id,
                    ScheduledDeletion.attempts,
                )
                .where(
                    ScheduledDeletion.done_at.is_(None),
                    ScheduledDeletion.delete_at <= now,
                    ScheduledDeletion.attempts < DELETION_ATTEMPTS,
                    ScheduledDeletion.chat_key.startswith(chat_prefix, autoescape=True),
                )
                .order_by(ScheduledDeletion.delete_at)
                .limit(limit)
            ).all()
            for row_id, row_chat, message_id, attempts in rows:
                # Another bot instance may claim the same row: only one UPDATE matches it.
                won = cast(
                    CursorResult[Any],
                    session.execute(
                        update(ScheduledDeletion)
                        .where(
                            ScheduledDeletion.id == row_id,
                            ScheduledDeletion.done_at.is_(None),
                            ScheduledDeletion.delete_at <= now,
                            ScheduledDeletion.attempts == attempts,
                        )
                        .values(
                            delete_at=now + DELETION_RETRY,
                            attempts=ScheduledDeletion.attempts + 1,
                        )
                        .execution_options(synchronize_session=False)
                    ),
                )
                if won.rowcount == 1:
                    claimed.append(DueDeletion(int(row_id), row_chat, int(message_id)))
        return claimed

    def deletion_done(self, deletion_id: int) -> None:
        """Record that a claimed message is gone (deleted now, or already)."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                update(ScheduledDeletion)
                .where(ScheduledDeletion.id == deletion_id)
                .values(done_at=self._clock.now())
            )

    def pending_deletions(self, chat_key: str) -> list[tuple[int, datetime]]:
        """(message id, when) of the chat's messages still to delete."""
        with unit_of_work(self._sessions) as session:
            rows = session.execute(
                select(ScheduledDeletion.message_id, ScheduledDeletion.delete_at)
                .where(
                    ScheduledDeletion.chat_key == chat_key,
                    ScheduledDeletion.done_at.is_(None),
                )
                .order_by(ScheduledDeletion.delete_at)
            ).all()
            return [(int(message_id), delete_at) for message_id, delete_at in rows]

    def purge(self) -> None:
        """Delete keyboards, update ids and finished deletions too old to matter."""
        with unit_of_work(self._sessions) as session:
            self._purge(session)

    def _purge(self, session: Session) -> None:
        now = self._clock.now()
        old_keyboards = select(ChannelKeyboard.id).where(
            ChannelKeyboard.created_at < now - KEYBOARD_TTL
        )
        session.execute(
            delete(ChannelCallback)
            .where(ChannelCallback.keyboard_id.in_(old_keyboards))
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(ChannelKeyboard)
            .where(ChannelKeyboard.created_at < now - KEYBOARD_TTL)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(ChannelUpdate)
            .where(ChannelUpdate.received_at < now - UPDATE_ID_TTL)
            .execution_options(synchronize_session=False)
        )
        # Done, or given up (its last retry long past).
        session.execute(
            delete(ScheduledDeletion)
            .where(
                or_(
                    ScheduledDeletion.done_at < now - DELETION_TTL,
                    ScheduledDeletion.delete_at < now - DELETION_TTL,
                )
            )
            .execution_options(synchronize_session=False)
        )


def new_callback_id() -> str:
    """A fresh opaque callback id: "c:" and 10 url-safe characters (12 bytes)."""
    return CALLBACK_ID_PREFIX + secrets.token_urlsafe(_CALLBACK_ID_BYTES)[:10]


def is_callback_id(data: str) -> bool:
    """Whether callback data has the shape of our ids (anything else is ignored)."""
    return (
        len(data) == len(CALLBACK_ID_PREFIX) + 10
        and data.startswith(CALLBACK_ID_PREFIX)
        and all(ch.isalnum() or ch in "-_" for ch in data[len(CALLBACK_ID_PREFIX) :])
    )
