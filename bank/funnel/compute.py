"""The funnel arithmetic, pure: journeys' step histories and events in, a `FunnelReport` out.

- The journeys counted are those that started in the period (Ecuador days [since, until)).
- A step is *reached* by a journey that entered it at least once; a journey that *left* is one
  that is over without finishing (cancelled, ended, or idle for 10 minutes), counted at the last
  step it was at before it stopped.
- The time at a step is, per journey, the sum of its stays there that ended (a next step was
  entered); the figure is the median over the journeys that stayed there.
- Locks, expired codes and hand-offs are counted at the step the journey was at; one recorded
  at a terminal step (a ticket after a lock: step `ended`) counts at the step the journey ended
  at.
- The time series counts, per day of the period, the journeys that started and those that
  finished that day.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bank.clock import ecuador_day
from bank.funnel.journeys import TERMINAL, JourneySpec
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
from bank.journey_rows import IDLE_LIMIT
from bank.models import ACTIVE, CANCELLED, COMPLETED, ENDED


def median(values: Sequence[float]) -> float | None:
    """The median (the mean of the middle two for an even count); None without values."""
    return float(statistics.median(values)) if values else None


def in_period(trace: Trace, period: Period) -> bool:
    """Whether the journey started in the period."""
    return period.since <= ecuador_day(trace.started_at) < period.until


def last_open_step(trace: Trace, before: datetime | None = None) -> str | None:
    """The last non-terminal step the journey entered (at or before `before`, when given)."""
    found = None
    for step, at in trace.entries:
        if before is not None and at > before:
            break
        if step not in TERMINAL:
            found = step
    if found is None and before is not None:
        return last_open_step(trace)
    return found


def finished_at(trace: Trace) -> datetime | None:
    """When the journey finished, or None."""
    if trace.status != COMPLETED:
        return None
    for step, at in trace.entries:
        if step == COMPLETED:
            return at
    return trace.entries[-1][1] if trace.entries else trace.last_activity_at


def seconds_per_step(trace: Trace) -> dict[str, float]:
    """Seconds the journey spent at each step it left (summed over its stays)."""
    spent: dict[str, float] = defaultdict(float)
    for (step, at), (_, next_at) in zip(trace.entries, trace.entries[1:], strict=False):
        if step not in TERMINAL:
            spent[step] += (next_at - at).total_seconds()
    return dict(spent)


def outcome_of(trace: Trace, now: datetime) -> str:
    """`finished`, `cancelled`, `ended`, `abandoned` (idle 10 minutes) or `in_progress`."""
    if trace.status == COMPLETED:
        return "finished"
    if trace.status in (CANCELLED, ENDED):
        return trace.status
    if trace.status == ACTIVE and now - trace.last_activity_at < IDLE_LIMIT:
        return "in_progress"
    return "abandoned"


def event_step(event: Event, trace: Trace) -> str:
    """The step an event counts at (see the module's docstring)."""
    if event.step and event.step not in TERMINAL:
        return event.step
    return last_open_step(trace, event.at) or event.step


def step_order(spec: JourneySpec, traces: Iterable[Trace]) -> list[str]:
    """The journey's steps in order, then any other step seen (an older step name)."""
    order = list(spec.steps)
    for trace in traces:
        for step, _ in trace.entries:
            if step not in TERMINAL and step not in order:
                order.append(step)
    return order


def compute_funnel(
    spec: JourneySpec,
    *,
    period: Period,
    traces: Sequence[Trace],
    events: Sequence[Event],
    now: datetime,
) -> FunnelReport:
    """The funnel of `spec`'s journeys that started in `period`.

    `traces` may also hold earlier journeys of the same chats (and `events` theirs): they count
    only to tell which journeys finished after a lock or an agent's help.
    """
    cohort = sorted((t for t in traces if in_period(t, period)), key=lambda t: t.journey_id)
    by_id = {trace.journey_id: trace for trace in traces}
    events_of: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        if event.journey_id in by_id:
            events_of[event.journey_id].append(event)

    order = step_order(spec, cohort)
    reached: Counter[str] = Counter()
    left: Counter[str] = Counter()
    times: dict[str, list[float]] = defaultdict(list)
    counted: dict[EventKind, Counter[str]] = {kind: Counter() for kind in EventKind}
    outcomes: Counter[str] = Counter()
    to_finish: list[float] = []
    for trace in cohort:
        reached.update({step for step, _ in trace.entries if step not in TERMINAL})
        outcome = outcome_of(trace, now)
        outcomes[outcome] += 1
        if outcome not in ("finished", "in_progress"):
            stopped = last_open_step(trace)
            if stopped is not None:
                left[stopped] += 1
        for step, seconds in seconds_per_step(trace).items():
            times[step].append(seconds)
        done = finished_at(trace)
        if done is not None:
            to_finish.append((done - trace.started_at).total_seconds())
        for event in events_of[trace.journey_id]:
            counted[event.kind][event_step(event, trace)] += 1

    steps = tuple(
        StepFigures(
            step=step,
            reached=reached[step],
            left=left[step],
            median_seconds=median(times[step]),
            locks=counted[EventKind.LOCK][step],
            expired_codes=counted[EventKind.EXPIRED_CODE][step],
            handoffs=counted[EventKind.HANDOFF][step],
        )
        for step in order
    )
    return FunnelReport(
        journey=spec.kind,
        period=period,
        started=len(cohort),
        outcomes=Outcomes(
            finished=outcomes["finished"],
            cancelled=outcomes[CANCELLED],
            ended=outcomes[ENDED],
            abandoned=outcomes["abandoned"],
            in_progress=outcomes["in_progress"],
            finished_after_lock=_finished_after(EventKind.LOCK, cohort, traces, events_of),
            finished_after_handoff=_finished_after(EventKind.HANDOFF, cohort, traces, events_of),
        ),
        median_seconds_to_finish=median(to_finish),
        steps=steps,
        days=_days(period, cohort),
    )


def _finished_after(
    kind: EventKind,
    cohort: Sequence[Trace],
    traces: Sequence[Trace],
    events_of: dict[int, list[Event]],
) -> int:
    """Finished journeys that had a `kind` event, or whose chat had one in an earlier journey."""
    first_mark: dict[int, tuple[datetime, int]] = {}
    for trace in traces:
        if any(event.kind == kind for event in events_of[trace.journey_id]):
            key = (trace.started_at, trace.journey_id)
            first_mark[trace.chat] = min(first_mark.get(trace.chat, key), key)
    return sum(
        1
        for trace in cohort
        if trace.status == COMPLETED
        and trace.chat in first_mark
        and first_mark[trace.chat] <= (trace.started_at, trace.journey_id)
    )


def _days(period: Period, cohort: Sequence[Trace]) -> tuple[DayFigures, ...]:
    started = Counter(ecuador_day(trace.started_at) for trace in cohort)
    finished = Counter(
        ecuador_day(done) for trace in cohort if (done := finished_at(trace)) is not None
    )
    return tuple(
        DayFigures(day=day, started=started[day], finished=finished[day])
        for day in (period.since + timedelta(days=n) for n in range(period.days))
    )
