"""Inline keyboards and taps: opaque callback ids, what a tap means, and multi-pick picks.

A button's callback data is an opaque id ("c:" and 10 url-safe characters); the id stands for
a row that says what a tap does. The picks of a multi-pick keyboard (a picture password) are
encrypted: they are a secret.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from bank.clock import Clock
from bank.crypto import SecretCipher
from bank.db import SessionFactory, unit_of_work
from bot.chat_state.tables import ChannelCallback, ChannelKeyboard

KEYBOARD_TTL: Final = timedelta(days=2)
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
class PickResult:
    """The picks of a multi-pick keyboard after a change (ids, in order)."""

    changed: bool
    picks: tuple[str, ...]


class Keyboards:
    """The keyboards the bot sent, their buttons' callback ids, and the picks made on them."""

    def __init__(
        self, *, session_factory: SessionFactory, clock: Clock, cipher: SecretCipher
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._cipher = cipher

    def register(
        self,
        chat_key: str,
        buttons: Sequence[ButtonSpec],
        *,
        choose: int = 1,
        payload_template: str | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """Store a keyboard's buttons; return its id and one opaque callback id per button.

        Keyboards older than KEYBOARD_TTL are dropped on the way.
        """
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

    def use(self, keyboard_id: str) -> bool:
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

    def purge(self) -> None:
        """Drop keyboards (and their buttons) older than KEYBOARD_TTL."""
        with unit_of_work(self._sessions) as session:
            self._purge(session)

    def _open_picks(self, sealed: str | None) -> tuple[str, ...]:
        if sealed is None:
            return ()
        plaintext = self._cipher.decrypt(sealed)
        if plaintext is None:
            return ()
        value = json.loads(plaintext)
        return tuple(item for item in value if isinstance(item, str))

    def _purge(self, session: Session) -> None:
        too_old = self._clock.now() - KEYBOARD_TTL
        old_keyboards = select(ChannelKeyboard.id).where(ChannelKeyboard.created_at < too_old)
        session.execute(
            delete(ChannelCallback)
            .where(ChannelCallback.keyboard_id.in_(old_keyboards))
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(ChannelKeyboard)
            .where(ChannelKeyboard.created_at < too_old)
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
