"""The step history of every journey (issue 16, the supervisor's funnel): one row each time a
journey opens, moves to another step, or ends (its step becomes `completed`, `ended`,
`cancelled`). No personal data: the journey's id and kind, the step, and when.

Written in ONE place, the two mapper listeners below on `Journey`: whatever code changes a
journey's step (the registration, the Cuenta Mini journeys, an agent's hand back, a restart
after 10 idle minutes), the flush that saves it also appends the history row, in the same
transaction. They are class-level mapping configuration, like a relationship: importing
`bank.models` installs them, and nothing else happens at import.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, DateTime, ForeignKey, Integer, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from bank.models.columns import Base
from bank.models.journeys import Journey


class JourneyStep(Base):
    """A journey entered `step` at `entered_at` (naive UTC)."""

    __tablename__ = "journey_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(40))
    entered_at: Mapped[datetime] = mapped_column(DateTime, index=True)


def _record(connection: Connection, journey: Journey, entered_at: datetime) -> None:
    # Mapper events may only emit SQL on the flush's connection (no session.add here).
    connection.execute(
        insert(JourneyStep).values(
            journey_id=journey.id, kind=journey.kind, step=journey.step, entered_at=entered_at
        )
    )


@event.listens_for(Journey, "after_insert")
def _journey_opened(_mapper: Mapper[Journey], connection: Connection, journey: Journey) -> None:
    """A new journey enters its first step when it is created."""
    _record(connection, journey, journey.created_at)


@event.listens_for(Journey, "after_update")
def _journey_saved(_mapper: Mapper[Journey], connection: Connection, journey: Journey) -> None:
    """A saved journey whose step changed enters the new step when it was updated."""
    if inspect(journey).attrs.step.history.has_changes():
        _record(connection, journey, journey.updated_at)
