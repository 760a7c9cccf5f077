"""Notices the bank sends a customer through the chat they last signed in from, or to a chat.

The bank queues a notice (kind + non-secret data) for a customer (delivered to their linked chat
once there is one) or for a chat itself (its `sender_id`); the channel claims it, renders the
Spanish text of `utter_notice_<kind>` and sends it. A claim expires, so a notice a crashed bot had
claimed is sent later by another; delivery is recorded once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.models import CustomerChat, CustomerNotification

CLAIM_TIMEOUT: Final = timedelta(minutes=2)
MAX_ATTEMPTS: Final = 5
# The data key of a message's own text (the web desk's replies): dropped once delivered.
MESSAGE_TEXT_KEY: Final = "text"


@dataclass(frozen=True)
class Notice:
    """A claimed notice ready to send."""

    id: int
    sender_id: str
    kind: str
    data: Mapping[str, Any]


def link_chat(session: Session, *, customer_id: int, sender_id: str, now: datetime) -> None:
    """Remember the chat a customer signed in from (the latest wins)."""
    existing = session.get(CustomerChat, customer_id)
    if existing is None:
        session.add(CustomerChat(customer_id=customer_id, sender_id=sender_id, linked_at=now))
    else:
        existing.sender_id, existing.linked_at = sender_id, now


def queue_notice(
    session: Session,
    *,
    customer_id: int,
    kind: str,
    data: Mapping[str, Any] | None = None,
    now: datetime,
) -> None:
    """Queue a notice for the customer inside the caller's unit of work (never a secret)."""
    _queue(session, customer_id=customer_id, sender_id=None, kind=kind, data=data, now=now)


def queue_chat_notice(
    session: Session,
    *,
    sender_id: str,
    kind: str,
    data: Mapping[str, Any] | None = None,
    now: datetime,
) -> None:
    """Queue a notice for a chat (not a customer) inside the caller's unit of work."""
    _queue(session, customer_id=None, sender_id=sender_id, kind=kind, data=data, now=now)


def _queue(
    session: Session,
    *,
    customer_id: int | None,
    sender_id: str | None,
    kind: str,
    data: Mapping[str, Any] | None,
    now: datetime,
) -> None:
    session.add(
        CustomerNotification(
            customer_id=customer_id,
            sender_id=sender_id,
            kind=kind,
            data=dict(data or {}),
            created_at=now,
        )
    )


class Notifications:
    """What the channel uses: claim pending notices that have a chat to go to, record delivery."""

    def __init__(self, *, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def claim(self, *, limit: int = 20) -> list[Notice]:
        """Claim up to `limit` undelivered notices (each claim lasts CLAIM_TIMEOUT)."""
        now = self._clock.now()
        with unit_of_work(self._sessions) as session:
            # A chat notice carries its chat; a customer's goes to the chat linked to them.
            chat = func.coalesce(CustomerNotification.sender_id, CustomerChat.sender_id)
            rows = session.execute(
                select(CustomerNotification, chat)
                .outerjoin(
                    CustomerChat, CustomerChat.customer_id == CustomerNotification.customer_id
                )
                .where(
                    chat.is_not(None),
                    CustomerNotification.delivered_at.is_(None),
                    CustomerNotification.attempts < MAX_ATTEMPTS,
                    or_(
                        CustomerNotification.claimed_at.is_(None),
                        CustomerNotification.claimed_at < now - CLAIM_TIMEOUT,
                    ),
                )
                .order_by(CustomerNotification.id)
                .limit(limit)
            ).all()
            claimed: list[Notice] = []
            for notification, sender_id in rows:
                won = cast(
                    CursorResult[Any],
                    session.execute(
                        update(CustomerNotification)
                        .where(
                            CustomerNotification.id == notification.id,
                            CustomerNotification.delivered_at.is_(None),
                            or_(
                                CustomerNotification.claimed_at.is_(None),
                                CustomerNotification.claimed_at < now - CLAIM_TIMEOUT,
                            ),
                        )
                        .values(claimed_at=now, attempts=CustomerNotification.attempts + 1)
                        .execution_options(synchronize_session=False)
                    ),
                )
                if won.rowcount == 1:
                    claimed.append(
                        Notice(notification.id, sender_id, notification.kind, notification.data)
                    )
            return claimed

    def delivered(self, notice_id: int) -> None:
        """Record that a claimed notice reached the chat. A message's `text` in its data (a desk
        agent's reply) is kept only until then."""
        with unit_of_work(self._sessions) as session:
            notification = session.get(CustomerNotification, notice_id)
            if notification is None:
                return
            notification.delivered_at = self._clock.now()
            if MESSAGE_TEXT_KEY in notification.data:
                kept = {k: v for k, v in notification.data.items() if k != MESSAGE_TEXT_KEY}
                notification.data = kept

    def failed(self, notice_id: int) -> None:
        """Release a claimed notice so it is tried again (up to MAX_ATTEMPTS)."""
        with unit_of_work(self._sessions) as session:
            session.execute(
                update(CustomerNotification)
                .where(CustomerNotification.id == notice_id)
                .values(claimed_at=None)
            )
