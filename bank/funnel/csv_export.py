"""A funnel report as CSV: one table with stable columns, for spreadsheets.

Rows, in this order: one `total` row; one `step` row per step in the journey's order; one `day`
row per day of the period. A column that does not apply to a row's section is empty. Times are
seconds with one decimal. Every value is a number, a date, a journey kind or a step name: there is
no free text, so nothing can be read as a spreadsheet formula, and no personal data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Final

from bank.funnel.model import FunnelReport

CSV_COLUMNS: Final = (
    "journey",
    "since",
    "until",
    "section",
    "step",
    "day",
    "started",
    "reached",
    "finished",
    "left",
    "cancelled",
    "ended",
    "abandoned",
    "in_progress",
    "finished_after_lock",
    "finished_after_handoff",
    "median_seconds",
    "locks",
    "expired_codes",
    "handoffs",
)

Cell = str | int


def seconds_cell(value: float | None) -> str:
    """Seconds with one decimal, or empty when there is no figure."""
    return "" if value is None else f"{value:.1f}"


def funnel_rows(report: FunnelReport) -> list[dict[str, Cell]]:
    """The CSV's rows as mappings of CSV_COLUMNS (missing columns are empty)."""
    head: Mapping[str, Cell] = {
        "journey": report.journey,
        "since": report.period.since.isoformat(),
        "until": report.period.until.isoformat(),
    }
    outcomes = report.outcomes
    rows: list[dict[str, Cell]] = [
        {
            **head,
            "section": "total",
            "started": report.started,
            "finished": outcomes.finished,
            "left": outcomes.left,
            "cancelled": outcomes.cancelled,
            "ended": outcomes.ended,
            "abandoned": outcomes.abandoned,
            "in_progress": outcomes.in_progress,
            "finished_after_lock": outcomes.finished_after_lock,
            "finished_after_handoff": outcomes.finished_after_handoff,
            "median_seconds": seconds_cell(report.median_seconds_to_finish),
            "locks": report.locks,
            "expired_codes": report.expired_codes,
            "handoffs": report.handoffs,
        }
    ]
    rows.extend(
        {
            **head,
            "section": "step",
            "step": step.step,
            "reached": step.reached,
            "left": step.left,
            "median_seconds": seconds_cell(step.median_seconds),
            "locks": step.locks,
            "expired_codes": step.expired_codes,
            "handoffs": step.handoffs,
        }
        for step in report.steps
    )
    rows.extend(
        {
            **head,
            "section": "day",
            "day": day.day.isoformat(),
            "started": day.started,
            "finished": day.finished,
        }
        for day in report.days
    )
    return rows


def funnel_csv(report: FunnelReport) -> str:
    """The report as CSV text (header first, CRLF line ends as RFC 4180 says)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(funnel_rows(report))
    return out.getvalue()
