"""The bank's clock: Ecuador's wall-clock time and calendar day from the Guayaquil zone."""

from __future__ import annotations

from datetime import datetime

from bank.clock import ecuador_clock_time, ecuador_day_start, ecuador_time


def test_ecuador_time_and_day_come_from_the_guayaquil_zone() -> None:
    # 03:00 UTC is 22:00 of the previous day in Ecuador, whose day began at 05:00 UTC.
    assert ecuador_time(datetime(2026, 1, 15, 3, 0)) == datetime(2026, 1, 14, 22, 0)
    assert ecuador_day_start(datetime(2026, 1, 15, 3, 0)) == datetime(2026, 1, 14, 5, 0)
    assert ecuador_day_start(datetime(2026, 1, 15, 5, 0)) == datetime(2026, 1, 15, 5, 0)


def test_an_iso_time_as_the_ecuador_clock_shows_it() -> None:
    assert ecuador_clock_time("2026-01-15T03:05:00") == "22:05"
    for nothing in (None, "", "ayer", 5):
        assert ecuador_clock_time(nothing) == ""
