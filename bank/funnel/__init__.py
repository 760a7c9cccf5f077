"""The supervisor's funnel (issue 16): per journey and period, how many started, reached each
step, finished or left where; the median time per step; locks, expired codes and agent hand-offs
per step; a daily series. Computed from the journeys, their step history (`journey_steps`), the
audit log and the tickets, with no personal data in the report. See docs/funnel.md.

`build_report` reads and computes; `compute_funnel` is the pure arithmetic; `funnel_csv` and
`funnel_lines` write a report as CSV and as terminal text.
"""

from __future__ import annotations

from datetime import datetime

from bank.db import SessionFactory, unit_of_work
from bank.funnel.compute import compute_funnel
from bank.funnel.csv_export import CSV_COLUMNS, funnel_csv
from bank.funnel.journeys import JOURNEYS, JourneySpec, journey_spec
from bank.funnel.model import (
    DayFigures,
    Event,
    EventKind,
    FunnelReport,
    Outcomes,
    Period,
    StepFigures,
    Trace,
)
from bank.funnel.queries import load_events, load_traces
from bank.funnel.text import funnel_lines

__all__ = [
    "CSV_COLUMNS",
    "JOURNEYS",
    "DayFigures",
    "Event",
    "EventKind",
    "FunnelReport",
    "JourneySpec",
    "Outcomes",
    "Period",
    "StepFigures",
    "Trace",
    "build_report",
    "compute_funnel",
    "funnel_csv",
    "funnel_lines",
    "journey_spec",
]


def build_report(
    sessions: SessionFactory, *, journey: str, period: Period, now: datetime
) -> FunnelReport:
    """The funnel of `journey` (a kind of `JOURNEYS`) for `period`, as the tables say at `now`
    (ValueError for an unknown journey)."""
    spec = journey_spec(journey)
    with unit_of_work(sessions) as session:
        traces = load_traces(session, spec, period)
        events = load_events(session, spec, traces)
    return compute_funnel(spec, period=period, traces=traces, events=events, now=now)
