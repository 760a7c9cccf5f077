"""A funnel report as terminal text for staff (`python -m bank funnel`), in English like the
other `python -m bank` commands: the same figures as the CSV and the supervisor's page."""

from __future__ import annotations

from collections.abc import Sequence

from bank.funnel.model import FunnelReport


def duration(seconds: float | None) -> str:
    """Seconds as `1h02m`, `4m05s` or `12s` (rounded to the second); `-` without a figure."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def percent(part: int, whole: int) -> str:
    """`part` as a whole percentage of `whole` (`-` when whole is 0)."""
    return f"{round(100 * part / whole)}%" if whole else "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in (header, *rows)
    ]


def funnel_lines(report: FunnelReport) -> list[str]:
    """The report as lines of text: totals, the steps table, the daily series."""
    out = report.outcomes
    lines = [
        f"funnel: {report.journey}, Ecuador days {report.period.since.isoformat()} to "
        f"{report.period.until.isoformat()} (not included)",
        f"started {report.started}, finished {out.finished} "
        f"({percent(out.finished, report.started)}), cancelled {out.cancelled}, "
        f"ended {out.ended}, abandoned {out.abandoned}, in progress {out.in_progress}",
        f"finished after a lock {out.finished_after_lock}, after an agent's help "
        f"{out.finished_after_handoff}; median time to finish "
        f"{duration(report.median_seconds_to_finish)}",
        f"locks {report.locks}, expired codes {report.expired_codes}, "
        f"agent hand-offs {report.handoffs}",
        "",
    ]
    lines.extend(
        _table(
            ("step", "reached", "%", "left", "median", "locks", "expired", "hand-offs"),
            [
                (
                    step.step,
                    str(step.reached),
                    percent(step.reached, report.started),
                    str(step.left),
                    duration(step.median_seconds),
                    str(step.locks),
                    str(step.expired_codes),
                    str(step.handoffs),
                )
                for step in report.steps
            ],
        )
    )
    lines.append("")
    lines.extend(
        _table(
            ("day", "started", "finished"),
            [(d.day.isoformat(), str(d.started), str(d.finished)) for d in report.days],
        )
    )
    return lines
