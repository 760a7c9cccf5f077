"""The funnel arithmetic on hand-built journeys: started, reached, finished, left, medians,
locks, expired codes, hand-offs, the daily series, and an empty period."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bank.funnel import (
    JOURNEYS,
    Event,
    EventKind,
    FunnelReport,
    Period,
    StepFigures,
    Trace,
    compute_funnel,
)
from bank.funnel.compute import median

SPEC = JOURNEYS["mini_registration"]
PERIOD = Period(date(2026, 12, 1), date(2026, 12, 4))
# 2026-12-01 10:00 in Ecuador (UTC-5).
T0 = datetime(2026, 12, 1, 15, 0, 0)
NOW = datetime(2026, 12, 10, 12, 0, 0)


def trace(
    journey_id: int,
    steps: list[tuple[str, int]],
    *,
    status: str,
    chat: int | None = None,
    start: datetime = T0,
    last_activity: datetime | None = None,
) -> Trace:
    """A journey that entered `steps` at `start` + the given seconds."""
    entries = tuple((step, start + timedelta(seconds=s)) for step, s in steps)
    return Trace(
        journey_id=journey_id,
        chat=journey_id if chat is None else chat,
        started_at=entries[0][1],
        status=status,
        last_activity_at=last_activity or entries[-1][1],
        entries=entries,
    )


def figures(report: FunnelReport, step: str) -> StepFigures:
    return next(f for f in report.steps if f.step == step)


def run(
    traces: list[Trace], events: list[Event] | None = None, now: datetime = NOW
) -> FunnelReport:
    return compute_funnel(SPEC, period=PERIOD, traces=traces, events=events or [], now=now)


FINISHED = [
    ("cedula", 0),
    ("activation_code", 30),
    ("avatar", 90),
    ("username", 100),
    ("picture_password", 130),
    ("picture_password_confirmation", 160),
    ("finish", 170),
    ("completed", 171),
]


def test_started_reached_finished_and_left() -> None:
    report = run(
        [
            trace(1, FINISHED, status="completed"),
            trace(2, [("cedula", 0), ("activation_code", 20), ("ended", 80)], status="ended"),
            trace(3, [("cedula", 0), ("cancelled", 50)], status="cancelled"),
            trace(4, [("cedula", 0), ("activation_code", 10)], status="active"),
        ]
    )

    assert report.started == 4
    assert report.finished == 1
    assert (report.outcomes.cancelled, report.outcomes.ended) == (1, 1)
    assert report.outcomes.abandoned == 1  # active, idle for days
    assert report.outcomes.in_progress == 0
    assert report.outcomes.left == 3
    assert sum(f.left for f in report.steps) == report.outcomes.left
    assert [(f.step, f.reached, f.left) for f in report.steps] == [
        ("cedula", 4, 1),
        ("activation_code", 3, 2),
        ("avatar", 1, 0),
        ("username", 1, 0),
        ("picture_password", 1, 0),
        ("picture_password_confirmation", 1, 0),
        ("finish", 1, 0),
    ]


def test_a_journey_still_moving_has_not_left() -> None:
    moving = trace(1, [("cedula", 0), ("activation_code", 10)], status="active")
    report = run([moving], now=T0 + timedelta(minutes=5))

    assert report.outcomes.in_progress == 1
    assert report.outcomes.abandoned == 0
    assert figures(report, "activation_code").left == 0
    assert run([moving], now=T0 + timedelta(minutes=11)).outcomes.abandoned == 1


def test_steps_are_reached_once_however_often_a_journey_comes_back() -> None:
    back_and_forth = [
        ("cedula", 0),
        ("activation_code", 10),
        ("avatar", 20),
        ("username", 30),
        ("avatar", 40),  # "regresar"
        ("username", 50),
        ("cancelled", 60),
    ]
    report = run([trace(1, back_and_forth, status="cancelled")])

    assert figures(report, "avatar").reached == 1
    assert figures(report, "username").reached == 1
    assert figures(report, "username").left == 1
    # Two stays at the avatar (10 s each) and at the username (10 s each) are added up.
    assert figures(report, "avatar").median_seconds == 20
    assert figures(report, "username").median_seconds == 20


def test_median_time_per_step_with_odd_and_even_counts() -> None:
    odd = [
        trace(n, [("cedula", 0), ("activation_code", s), ("cancelled", s + 1)], status="cancelled")
        for n, s in ((1, 10), (2, 40), (3, 25))
    ]
    assert figures(run(odd), "cedula").median_seconds == 25

    even = [*odd, trace(4, [("cedula", 0), ("activation_code", 100)], status="active")]
    assert figures(run(even), "cedula").median_seconds == 32.5
    # The last step of a journey that stopped has no end: it gives no time.
    assert figures(run(even), "activation_code").median_seconds == 1


def test_median_helper() -> None:
    assert median([]) is None
    assert median([3.0]) == 3
    assert median([4.0, 1.0, 2.0]) == 2
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5


def test_median_time_to_finish() -> None:
    slow = [(step, s * 3) for step, s in FINISHED]
    report = run([trace(1, FINISHED, status="completed"), trace(2, slow, status="completed")])

    assert report.median_seconds_to_finish == (171 + 513) / 2


def test_locks_expired_codes_and_handoffs_per_step() -> None:
    locked = trace(1, [("cedula", 0), ("activation_code", 10), ("ended", 300)], status="ended")
    waiting = trace(2, [("cedula", 0), ("activation_code", 10)], status="active")
    events = [
        # The ending's audit row says step "ended": it counts where the journey ended.
        Event(1, EventKind.LOCK, "ended", T0 + timedelta(seconds=300)),
        Event(1, EventKind.EXPIRED_CODE, "activation_code", T0 + timedelta(seconds=100)),
        Event(2, EventKind.EXPIRED_CODE, "activation_code", T0 + timedelta(seconds=100)),
        Event(2, EventKind.HANDOFF, "activation_code", T0 + timedelta(seconds=200)),
        # A ticket opened after the lock (step "ended") is a hand-off at the code too.
        Event(1, EventKind.HANDOFF, "ended", T0 + timedelta(seconds=400)),
        Event(2, EventKind.HANDOFF, "cedula", T0 + timedelta(seconds=5)),
        # Another journey's event (not in the report) counts nowhere.
        Event(99, EventKind.LOCK, "cedula", T0),
    ]
    report = run([locked, waiting], events)

    code = figures(report, "activation_code")
    assert (code.locks, code.expired_codes, code.handoffs) == (1, 2, 2)
    cedula = figures(report, "cedula")
    assert (cedula.locks, cedula.expired_codes, cedula.handoffs) == (0, 0, 1)
    assert (report.locks, report.expired_codes, report.handoffs) == (1, 2, 3)


def test_finished_after_a_lock_in_an_earlier_journey_of_the_same_chat() -> None:
    before = T0 - timedelta(days=2)  # before the period: only tells the story
    locked = trace(
        1,
        [("cedula", 0), ("activation_code", 10), ("ended", 20)],
        status="ended",
        chat=7,
        start=before,
    )
    again = trace(2, FINISHED, status="completed", chat=7)
    stranger = trace(3, FINISHED, status="completed", chat=8)
    helped = trace(4, FINISHED, status="completed", chat=9)
    events = [
        Event(1, EventKind.LOCK, "ended", before + timedelta(seconds=20)),
        Event(1, EventKind.HANDOFF, "ended", before + timedelta(seconds=60)),
        Event(4, EventKind.HANDOFF, "avatar", T0 + timedelta(seconds=95)),
    ]
    report = run([locked, again, stranger, helped], events)

    assert report.started == 3  # the earlier journey is not in the period
    assert report.finished == 3
    assert report.outcomes.finished_after_lock == 1
    assert report.outcomes.finished_after_handoff == 2
    assert report.locks == 0  # the lock belongs to a journey of another period
    assert figures(report, "avatar").handoffs == 1


def test_a_lock_after_the_finish_does_not_count_for_an_earlier_finish() -> None:
    done = trace(1, FINISHED, status="completed", chat=5)
    later = trace(
        2, [("cedula", 0), ("ended", 10)], status="ended", chat=5, start=T0 + timedelta(days=1)
    )
    report = run([done, later], [Event(2, EventKind.LOCK, "ended", T0 + timedelta(days=1))])

    assert report.outcomes.finished_after_lock == 0
    assert figures(report, "cedula").locks == 1


def test_daily_series_in_ecuador_days() -> None:
    late_evening = datetime(2026, 12, 2, 4, 30)  # 2026-12-01 23:30 in Ecuador
    report = run(
        [
            trace(1, FINISHED, status="completed"),
            trace(2, [("cedula", 0), ("completed", 3600)], status="completed", start=late_evening),
            trace(3, [("cedula", 0)], status="active", start=T0 + timedelta(days=2)),
            trace(4, [("cedula", 0)], status="active", start=T0 + timedelta(days=3)),  # after
            trace(5, [("cedula", 0)], status="active", start=T0 - timedelta(days=1)),  # before
        ]
    )

    assert [(d.day.isoformat(), d.started, d.finished) for d in report.days] == [
        ("2026-12-01", 2, 1),
        ("2026-12-02", 0, 1),
        ("2026-12-03", 1, 0),
    ]
    assert report.started == 3


def test_an_empty_period() -> None:
    report = run([])

    assert report.started == 0
    assert report.finished == 0
    assert report.median_seconds_to_finish is None
    assert [f.step for f in report.steps] == list(SPEC.steps)
    assert all(f.reached == 0 and f.median_seconds is None for f in report.steps)
    assert [d.started for d in report.days] == [0, 0, 0]


def test_an_unknown_step_is_shown_after_the_known_ones() -> None:
    report = run([trace(1, [("cedula", 0), ("retired_step", 10)], status="active")])

    assert [f.step for f in report.steps][-1] == "retired_step"


def test_a_period_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError):
        Period(date(2026, 12, 2), date(2026, 12, 2))


def test_each_journey_has_its_steps_in_order() -> None:
    assert JOURNEYS["registration"].steps[:4] == (
        "identity_number",
        "additional_user_question",
        "additional_cedula",
        "pin",
    )
    assert "completed" not in JOURNEYS["registration"].steps
    assert JOURNEYS["mini_parent"].steps == (
        "username",
        "password",
        "token",
        "child",
        "child_action",
    )
