"""Loading, creating, restarting and closing registration journeys."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.models import ACTIVE, Journey
from bank.registration.steps import Step

KIND = "registration"
IDLE_LIMIT = timedelta(minutes=10)


def active_key(sender_id: str) -> str:
    """The value that makes a sender's active registration unique."""
    return f"{KIND}:{sender_id}"


def load_active(session: Session, sender_id: str) -> Journey | None:
    """The sender's active registration, locked for this transaction."""
    return session.scalar(
        select(Journey)
        .where(Journey.active_key == active_key(sender_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def load_latest(session: Session, sender_id: str) -> Journey | None:
    """The sender's most recent registration, whatever its status."""
    return session.scalar(
        select(Journey)
        .where(Journey.kind == KIND, Journey.sender_id == sender_id)
        .order_by(Journey.id.desc())
        .limit(1)
    )


def create(session: Session, sender_id: str, now: datetime) -> Journey | None:
    """Open a new journey at the first step; None if another request opened one meanwhile."""
    journey = Journey(
        kind=KIND,
        sender_id=sender_id,
        active_key=active_key(sender_id),
        status=ACTIVE,
        step=Step.IDENTITY_NUMBER.value,
        data={},
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


def restart(journey: Journey, now: datetime) -> None:
    """Back to the first step with everything typed so far forgotten."""
    journey.step = Step.IDENTITY_NUMBER.value
    journey.data = {}
    journey.customer_id = None
    journey.additional_user_id = None
    journey.updated_at = now
    journey.last_activity_at = now


def close(journey: Journey, *, status: str, step: Step, now: datetime) -> None:
    """End the journey for good (completed, ended or cancelled)."""
    journey.status = status
    journey.step = step.value
    journey.active_key = None
    journey.updated_at = now
