"""One call's view of a journey row, inside its unit of work: what every journey's steps share.

The registration (`bank.registration.context.StepContext`) and the Cuenta Mini journeys
(`bank.mini.journey_base.JourneyContext`) extend it with their own step type, outcome and ending.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.models import Journey


@dataclass
class JourneyRowContext:
    """The unit of work, the journey row and the time of one call."""

    session: Session
    journey: Journey
    now: datetime

    @property
    def step(self) -> str:
        """The journey's current step."""
        return self.journey.step

    @property
    def data(self) -> Mapping[str, Any]:
        """The journey's data (read only; change it with `remember`/`forget`)."""
        return self.journey.data

    def remember(self, **values: Any) -> None:
        """Store non-secret values (or hashes, or ciphertexts) in the journey."""
        self.journey.data = {**self.journey.data, **values}

    def forget(self, keys: Iterable[str]) -> None:
        """Drop keys from the journey's data."""
        dropped = set(keys)
        self.journey.data = {k: v for k, v in self.journey.data.items() if k not in dropped}

    def move(self, step: str) -> None:
        """Set the next step (a step enum's member is stored as its value)."""
        self.journey.step = str(step)
        self.journey.updated_at = self.now

    def audit(self, action: str, *, subject: str | None = None, **details: Any) -> None:
        """Write an audit row for this journey (never pass a secret)."""
        record_audit(
            self.session,
            at=self.now,
            actor=f"sender:{self.journey.sender_id}",
            action=action,
            subject=subject or f"journey:{self.journey.id}",
            details={"journey_id": self.journey.id, "step": self.journey.step, **details},
        )
