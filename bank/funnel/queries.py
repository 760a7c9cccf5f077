"""Reading what the funnel needs from the bank's tables: the journeys of one kind that started
in the period (and the earlier journeys of the same chats), their step history, and their locks,
expired codes (audit rows) and hand-offs (tickets). Only ids, steps, statuses and times leave
this module: a chat becomes a number local to one report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from typing import Final, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.clock import ECUADOR
from bank.funnel.journeys import JourneySpec
from bank.funnel.model import Event, EventKind, Period, Trace
from bank.models import AssistTicket, AuditEntry, Journey, JourneyStep

# Keeps IN lists well under every database's limit on bound parameters.
CHUNK: Final = 500

T = TypeVar("T")


def day_start(day: date) -> datetime:
    """The start of an Ecuador calendar day, as a naive UTC moment."""
    return datetime.combine(day, time(), tzinfo=ECUADOR).astimezone(UTC).replace(tzinfo=None)


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as naive UTC moments [start, end)."""
    return day_start(period.since), day_start(period.until)


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


_COLUMNS: Final = (
    Journey.id,
    Journey.sender_id,
    Journey.created_at,
    Journey.status,
    Journey.step,
    Journey.updated_at,
    Journey.last_activity_at,
)


class _JourneyRow(NamedTuple):
    id: int
    sender_id: str
    created_at: datetime
    status: str
    step: str
    updated_at: datetime
    last_activity_at: datetime


def _journeys(session: Session, spec: JourneySpec, period: Period) -> list[_JourneyRow]:
    """The period's journeys of the kind, then the earlier ones of the same chats."""
    start, end = period_bounds(period)
    kind = Journey.kind == spec.kind
    in_period = (Journey.created_at >= start, Journey.created_at < end)
    rows = [_JourneyRow(*row) for row in session.execute(select(*_COLUMNS).where(kind, *in_period))]
    senders = sorted({row.sender_id for row in rows})
    for part in _chunks(senders):
        earlier = (Journey.created_at < start, Journey.sender_id.in_(part))
        rows.extend(
            _JourneyRow(*row) for row in session.execute(select(*_COLUMNS).where(kind, *earlier))
        )
    return rows


def _entries(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[str, datetime]]]:
    found: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for part in _chunks(ids):
        for row in session.execute(
            select(JourneyStep.journey_id, JourneyStep.step, JourneyStep.entered_at)
            .where(JourneyStep.journey_id.in_(part))
            .order_by(JourneyStep.entered_at, JourneyStep.id)
        ):
            found[row.journey_id].append((row.step, row.entered_at))
    return found


def load_traces(session: Session, spec: JourneySpec, period: Period) -> list[Trace]:
    """The journeys the report is about (see `_journeys`), each with its step history."""
    rows = _journeys(session, spec, period)
    chats = {sender: number for number, sender in enumerate(sorted({r.sender_id for r in rows}))}
    entries = _entries(session, [row.id for row in rows])
    return [
        Trace(
            journey_id=row.id,
            chat=chats[row.sender_id],
            started_at=row.created_at,
            status=row.status,
            last_activity_at=row.last_activity_at,
            # A journey from before the history was kept shows its current step only.
            entries=tuple(entries.get(row.id) or [(row.step, row.updated_at)]),
        )
        for row in rows
    ]


def load_events(session: Session, spec: JourneySpec, traces: Sequence[Trace]) -> list[Event]:
    """The locks and expired codes (audit rows) and hand-offs (tickets) of `traces`."""
    if not traces:
        return []
    ids = {trace.journey_id for trace in traces}
    since = min(trace.started_at for trace in traces)
    events: list[Event] = []
    if spec.audit_actions:
        audit = session.execute(
            select(AuditEntry.action, AuditEntry.at, AuditEntry.details).where(
                AuditEntry.action.in_(sorted(spec.audit_actions)), AuditEntry.at >= since
            )
        )
        for action, at, details in audit:
            journey_id = (details or {}).get("journey_id")
            if journey_id not in ids:
                continue
            if spec.is_lock(action, details):
                kind = EventKind.LOCK
            elif action in spec.expired_actions:
                kind = EventKind.EXPIRED_CODE
            else:
                continue
            events.append(Event(int(journey_id), kind, str(details.get("step") or ""), at))
    for part in _chunks(sorted(ids)):
        tickets = session.execute(
            select(
                AssistTicket.journey_id, AssistTicket.journey_step, AssistTicket.created_at
            ).where(AssistTicket.journey_id.in_(part))
        )
        for journey_id, step, at in tickets:
            if journey_id is not None:
                events.append(Event(journey_id, EventKind.HANDOFF, step or "", at))
    return events
