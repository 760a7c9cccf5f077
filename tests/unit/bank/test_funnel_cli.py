"""`python -m bank funnel --journey KIND --since DAY [--until DAY] [--csv]` prints the same
figures as the report, as text or as the CSV, with nothing personal."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from bank_helpers import MARIA_CEDULA
from test_bank_assist_cli import env, template  # noqa: F401 (fixtures)
from test_funnel_report import MARIA_CHAT, registration_story

from bank.bootstrap import build_bank
from bank.cli import main
from bank.clock import FixedClock
from bank.funnel import CSV_COLUMNS
from bank.settings import load_settings

# The report is read with the real clock: the story happens on days long past.
STORY_START = datetime(2026, 1, 15, 12, 0, 0)


@pytest.fixture
def story(env: None) -> None:  # noqa: F811
    """The registrations of test_funnel_report, written to the CLI's database."""
    clock = FixedClock(STORY_START)
    bank = build_bank(load_settings(), clock)
    try:
        registration_story(bank, clock)
    finally:
        bank.dispose()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["funnel", *args])
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def test_the_terminal_report(story: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "--journey", "registration", "--since", "2026-01-15", "--until", "2026-01-17"
    )

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "funnel: registration, Ecuador days 2026-01-15 to 2026-01-17 (not included)"
    )
    assert lines[1] == (
        "started 4, finished 1 (25%), cancelled 1, ended 1, abandoned 1, in progress 0"
    )
    assert lines[2].startswith("finished after a lock 1, after an agent's help 1;")
    assert lines[3] == "locks 1, expired codes 1, agent hand-offs 1"
    header = lines[5].split()
    assert header == ["step", "reached", "%", "left", "median", "locks", "expired", "hand-offs"]
    rows = {line.split()[0]: line.split() for line in lines[6:] if line and line[0].isalpha()}
    assert rows["identity_number"][1:4] == ["4", "100%", "1"]
    assert rows["pin"][1:3] == ["3", "75%"]
    assert rows["pin"][5:] == ["1", "0", "1"]
    assert rows["otp"][6] == "1"
    assert any(line.split() == ["2026-01-15", "4", "1"] for line in lines)
    assert any(line.split() == ["2026-01-16", "0", "0"] for line in lines)
    assert MARIA_CHAT not in out and MARIA_CEDULA not in out


def test_the_csv(story: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys,
        "--journey",
        "registration",
        "--since",
        "2026-01-15",
        "--until",
        "2026-01-17",
        "--csv",
    )

    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    total = rows[0]
    assert (total["section"], total["started"], total["finished"]) == ("total", "4", "1")
    assert total["finished_after_lock"] == "1"
    pin = next(row for row in rows if row["step"] == "pin")
    assert (pin["reached"], pin["locks"], pin["handoffs"]) == ("3", "1", "1")
    assert [row["day"] for row in rows if row["section"] == "day"] == ["2026-01-15", "2026-01-16"]
    assert MARIA_CHAT not in out and MARIA_CEDULA not in out


def test_a_period_by_default_ends_today(story: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--journey", "mini_parent", "--since", "2026-01-15")

    assert code == 0
    assert out.startswith("funnel: mini_parent, Ecuador days 2026-01-15 to ")
    assert "started 0, finished 0 (-)" in out


def test_bad_arguments(env: None, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    code, printed = run(
        capsys, "--journey", "registration", "--since", "2026-01-15", "--until", "2026-01-15"
    )
    assert code == 2
    assert printed == "error: the period must end after it starts\n"
    with pytest.raises(SystemExit) as exit_info:
        main(["funnel", "--journey", "registration", "--since", "15/01/2026"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        main(["funnel", "--journey", "login", "--since", "2026-01-15"])
