"""A short-lived, single-use, encrypted box for secrets typed in the chat.

The channel puts the secret and hands Rasa only the reference; an action takes it back once.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from bank.clock import Clock
from bank.crypto import SecretCipher
from bank.db import SessionFactory, unit_of_work
from bank.models import SecretBoxEntry

logger = logging.getLogger(__name__)

SECRET_KINDS = frozenset(
    {"pin", "otp", "password", "answer", "qr", "picture_password", "activation_code"}
)
SECRET_TTL = timedelta(minutes=5)
REF_PREFIX = "sb_"


class SecretBox:
    """Encrypted at rest, bound to a sender and a kind, readable once within 5 minutes."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        cipher: SecretCipher,
        ttl: timedelta = SECRET_TTL,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._cipher = cipher
        self._ttl = ttl

    def put(self, *, sender_id: str, kind: str, value: str) -> str:
        """Store `value` for `sender_id` and return its opaque reference."""
        _check_kind(kind)
        ref = REF_PREFIX + secrets.token_urlsafe(16)
        now = self._clock.now()
        sealed = self._cipher.encrypt(json.dumps({"s": sender_id, "k": kind, "v": value}))
        with unit_of_work(self._sessions) as session:
            self._purge(session)
            session.add(
                SecretBoxEntry(
                    ref=ref,
                    sender_id=sender_id,
                    kind=kind,
                    ciphertext=sealed,
                    created_at=now,
                    expires_at=now + self._ttl,
                )
            )
        logger.debug("secret box: stored a %s for %s", kind, sender_id)
        return ref

    def take(self, *, ref: str, sender_id: str, kind: str) -> str | None:
        """Return the secret and destroy it; None if unknown, expired, taken or not theirs."""
        _check_kind(kind)
        if not ref.startswith(REF_PREFIX):
            return None
        with unit_of_work(self._sessions) as session:
            self._purge(session)
            entry = session.scalar(
                select(SecretBoxEntry).where(
                    SecretBoxEntry.ref == ref,
                    SecretBoxEntry.sender_id == sender_id,
                    SecretBoxEntry.kind == kind,
                )
            )
            if entry is None:
                return None
            sealed = entry.ciphertext
            # The row goes away whoever wins; only the session whose DELETE hit it may use it.
            deleted = cast(
                CursorResult[Any],
                session.execute(
                    delete(SecretBoxEntry)
                    .where(SecretBoxEntry.ref == ref)
                    .execution_options(synchronize_session=False)
                ),
            )
            if deleted.rowcount != 1:
                return None
        return self._open(sealed, sender_id=sender_id, kind=kind)

    def purge_expired(self) -> int:
        """Delete every expired entry; return how many."""
        with unit_of_work(self._sessions) as session:
            return self._purge(session)

    def _purge(self, session: Session) -> int:
        result = cast(
            CursorResult[Any],
            session.execute(
                delete(SecretBoxEntry)
                .where(SecretBoxEntry.expires_at <= self._clock.now())
                .execution_options(synchronize_session=False)
            ),
        )
        return int(result.rowcount)

    def _open(self, sealed: str, *, sender_id: str, kind: str) -> str | None:
        plaintext = self._cipher.decrypt(sealed)
        if plaintext is None:
            return None
        payload = json.loads(plaintext)
        # The binding is inside the ciphertext too, so a row edited in the database is refused.
        if payload.get("s") != sender_id or payload.get("k") != kind:
            return None
        value = payload.get("v")
        return value if isinstance(value, str) else None


def _check_kind(kind: str) -> None:
    if kind not in SECRET_KINDS:
        raise ValueError(f"unknown secret kind {kind!r}")
