"""The e2e suite's fixtures (tests/support/log_check.py), run by pytest itself on small test
modules whose "system" writes a bot log: an ERROR entry fails the test during which it was
written, unless the test declares it; one written while the system stops fails the module,
unless the module declares it."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """\
from tests.support.log_check import (  # noqa: F401
    no_error_in_logs,
    no_error_in_logs_while_stopping,
    pytest_configure,
)
"""

MODULE = """\
from pathlib import Path

import pytest

from tests.support.log_scan import WATCH

{marks}
LOGS = Path(__file__).parent / "logs_{name}"


def say(line):
    with (LOGS / "bot.log").open("a") as log:
        log.write(line + "\\n")


@pytest.fixture(scope="module")
def system():
    LOGS.mkdir()
    WATCH.watch(LOGS)
    say("2026-12-06 19:54:00,1 ERROR bot: while starting")
    yield
    say("2026-12-06 19:59:00,1 ERROR bot: while stopping")


@pytest.mark.expected_errors(r"^bot\\.log: .*while starting")
def test_first(system):
    say("2026-12-06 19:54:01,1 INFO bot: fine")


def test_error(system):
    say("2026-12-06 19:54:02,1 ERROR bot: broken on purpose")


@pytest.mark.expected_errors(r"^bot\\.log: .*NetworkError")
def test_expected(system):
    say("2026-12-06 19:54:03,1 ERROR bot: telegram.error.NetworkError")


@pytest.mark.expected_errors(r"^rasa\\.log: .*NetworkError")
def test_expected_in_another_log(system):
    say("2026-12-06 19:54:04,1 ERROR bot: telegram.error.NetworkError")


def test_last(system):
    say("2026-12-06 19:54:05,1 WARNING bot: only a warning")
"""


def test_unexpected_errors_fail_the_test_or_the_module_they_were_written_in(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_system=MODULE.format(marks="", name="a"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=5, errors=3)
    output = result.stdout.str()
    assert "ERROR at teardown of test_error" in output
    assert "ERROR at teardown of test_expected_in_another_log" in output
    assert "ERROR at teardown of test_last" in output, "the module's stop"
    assert "bot.log:3: 2026-12-06 19:54:02,1 ERROR bot: broken on purpose" in output
    assert "bot.log:5: 2026-12-06 19:54:04,1 ERROR bot: telegram.error.NetworkError" in output
    assert "bot.log:4:" not in output, "declared by the test that wrote it"
    assert "bot.log:1:" not in output, "written while starting, declared by the first test"
    assert "bot.log:6:" not in output, "a warning is no error"
    assert "bot.log:7: 2026-12-06 19:59:00,1 ERROR bot: while stopping" in output
    assert "ERROR entries in the logs after the module's last test" in output


def test_a_module_declares_what_its_teardown_logs_on_purpose(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    marks = (
        'pytestmark = pytest.mark.expected_errors(r"while stopping", r"broken on purpose",'
        ' r"NetworkError")'
    )
    pytester.makepyfile(test_system=MODULE.format(marks=marks, name="b"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=5)
