"""The e2e suite's check that no Rasa, action-server or bot log got an unexpected ERROR entry.

tests/e2e/conftest.py imports these fixtures and hook; the entries come from the log directories
the topologies register with `tests.support.log_scan.WATCH`. A test declares the ERROR entries it
causes on purpose (a killed process) with `@pytest.mark.expected_errors(pattern, ...)`; a module
declares those of its teardown with the same marker in its `pytestmark`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.log_scan import WATCH, ErrorEntry, report, unexpected

EXPECTED_ERRORS = "expected_errors"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{EXPECTED_ERRORS}(*patterns): ERROR log entries the test causes on purpose (regular "
        "expressions searched in '<log file name>: <entry>', tests/support/log_scan.py)",
    )


def _unexpected_errors(node: pytest.Item | pytest.Collector) -> list[ErrorEntry]:
    """What the watched logs got since the last look that `node`'s markers do not allow."""
    allowed = [pattern for mark in node.iter_markers(EXPECTED_ERRORS) for pattern in mark.args]
    return unexpected(WATCH.new_entries(), allowed)


@pytest.fixture(scope="module", autouse=True)
def no_error_in_logs_while_stopping(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set up before the module's system and torn down after it: what its logs got while it
    stopped (and since the last test) must not be an ERROR."""
    WATCH.forget()
    yield
    found = _unexpected_errors(request.node)
    WATCH.forget()
    if found:
        pytest.fail(f"ERROR entries in the logs after the module's last test:\n{report(found)}")


@pytest.fixture(autouse=True)
def no_error_in_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """The test fails on an ERROR entry its system's logs got (since the module's start for the
    first test) that it does not declare with `expected_errors`."""
    yield
    found = _unexpected_errors(request.node)
    if found:
        pytest.fail(f"ERROR entries in the logs during this test:\n{report(found)}")
