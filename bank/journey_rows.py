"""Loading, creating, restarting and closing the `journeys` rows of one kind.

Shared by every journey (the registration's rows in bank/registration/journeys.py too): one
active journey per sender and kind (the unique `active_key`), locked while a call works on it,
restarted after 10 idle minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.models import ACTIVE, Journey

IDLE_LIMIT: Final = timedelta(minutes=10)


@dataclass(frozen=True)
class JourneyRows:
    """The journeys of one `kind`, keyed by the chat's sender id."""

    kind: str

    def active_key(self, sender_id: str) -> str:
        """The value that makes a sender's active journey of this kind unique."""
        return f"{self.kind}:{sender_id}"

    def load_active(self, session: Session, sender_id: str) -> Journey | None:
        """The sender's active journey, locked for this transaction."""
        return session.scalar(
            select(Journey)
            .where(Journey.active_key == self.active_key(sender_id))
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def load_latest(self, session: Session, sender_id: str) -> Journey | None:
        """The sender's most recent journey of this kind, whatever its status."""
        return session.scalar(
            select(Journey)
            .where(Journey.kind == self.kind, Journey.sender_id == sender_id)
            .order_by(Journey.id.desc())
            .limit(1)
        )

    def create(
        self,
        session: Session,
        sender_id: str,
        *,
        step: str,
        data: Mapping[str, Any],
        now: datetime,
    ) -> Journey | None:
        """Open a journey at `step`; None if another request opened one meanwhile."""
        journey = Journey(
            kind=self.kind,
            sender_id=sender_id,
            active_key=self.active_key(sender_id),
            status=ACTIVE,
            step=step,
            data=dict(data),
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        try:
            with session.begin_nested():
                session.add(journey)
        except IntegrityError:
            return None
        return journey


def is_idle(journey: Journey, now: datetime) -> bool:
    """True when the journey saw no activity for 10 minutes."""
    return now - journey.last_activity_at >= IDLE_LIMIT


def restart(journey: Journey, *, step: str, data: Mapping[str, Any], now: datetime) -> None:
    """Back to `step` with `data` only: everything typed so far is forgotten."""
    journey.step = step
    journey.data = dict(data)
    journey.customer_id = None
    journey.additional_user_id = None
    journey.updated_at = now
    journey.last_activity_at = now


def close(journey: Journey, *, status: str, now: datetime) -> None:
    """End the journey for good; its step becomes the status (completed, ended, cancelled)."""
    journey.status = status
    journey.step = status
    journey.active_key = None
    journey.updated_at = now
