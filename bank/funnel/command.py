"""`python -m bank funnel --journey KIND --since YYYY-MM-DD [--until YYYY-MM-DD] [--csv]`: the
arguments and the printing (bank/cli.py wires it)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta

from bank.bootstrap import Bank
from bank.clock import ecuador_day
from bank.funnel import JOURNEYS, Period, build_report, funnel_csv, funnel_lines


def iso_day(text: str) -> date:
    """A YYYY-MM-DD argument."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_funnel_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `funnel` subcommand's arguments."""
    funnel = commands.add_parser(
        "funnel", help="a journey's funnel: steps reached and left, times, locks, hand-offs"
    )
    funnel.add_argument("--journey", required=True, choices=sorted(JOURNEYS), help="the journey")
    funnel.add_argument("--since", required=True, type=iso_day, help="first day (Ecuador)")
    funnel.add_argument(
        "--until", type=iso_day, help="the day after the last, not included (default: tomorrow)"
    )
    funnel.add_argument("--csv", action="store_true", help="print CSV (as the desk exports)")


def run_funnel(bank: Bank, args: argparse.Namespace) -> int:
    """Print the report; 2 when the period is empty or reversed."""
    now = bank.clock.now()
    until: date = args.until or ecuador_day(now) + timedelta(days=1)
    try:
        period = Period(args.since, until)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = build_report(bank.sessions, journey=args.journey, period=period, now=now)
    if args.csv:
        sys.stdout.write(funnel_csv(report))
    else:
        print("\n".join(funnel_lines(report)))
    return 0
