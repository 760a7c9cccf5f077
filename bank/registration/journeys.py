"""The registration's `journeys` rows: the shared rules of bank/journey_rows.py, kind
`registration`, starting (and restarting) at the identity number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bank import journey_rows
from bank.journey_rows import JourneyRows, is_idle
from bank.models import Journey
from bank.registration.steps import Step

KIND = "registration"
ROWS = JourneyRows(KIND)

__all__ = [
    "KIND",
    "active_key",
    "close",
    "create",
    "is_idle",
    "load_active",
    "load_latest",
    "restart",
]


def active_key(sender_id: str) -> str:
    """The value that makes a sender's active registration unique."""
    return ROWS.active_key(sender_id)


def load_active(session: Session, sender_id: str) -> Journey | None:
    """The sender's active registration, locked for this transaction."""
    return ROWS.load_active(session, sender_id)


def load_latest(session: Session, sender_id: str) -> Journey | None:
    """The sender's most recent registration, whatever its status."""
    return ROWS.load_latest(session, sender_id)


def create(session: Session, sender_id: str, now: datetime) -> Journey | None:
    """Open a new journey at the first step; None if another request opened one meanwhile."""
    return ROWS.create(session, sender_id, step=Step.IDENTITY_NUMBER.value, data={}, now=now)


def restart(journey: Journey, now: datetime) -> None:
    """Back to the first step with everything typed so far forgotten."""
    journey_rows.restart(journey, step=Step.IDENTITY_NUMBER.value, data={}, now=now)


def close(journey: Journey, *, status: str, step: Step, now: datetime) -> None:
    """End the journey for good (completed, ended or cancelled) at the terminal `step`."""
    journey_rows.close(journey, status=status, now=now)
    journey.step = step.value
