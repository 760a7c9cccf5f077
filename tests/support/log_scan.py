"""ERROR lines in the logs of the processes an e2e test started, so the test can fail on them.

Every topology a test starts (tests/support/servers.py, local_run.py, scaled.py) registers its
log directory with `WATCH`; the fixtures of tests/support/log_check.py (which
tests/e2e/conftest.py imports) read what was written since the last look after each test (and
after each module's teardown) and fail on any ERROR or CRITICAL entry of a
Rasa, action-server or bot log that the test did not declare with
`@pytest.mark.expected_errors(pattern, ...)`.

An entry is a log line at level ERROR or CRITICAL (the formats of Python's logging, Rasa,
rasa-sdk, Sanic, and Rasa's structlog events as text or JSON) together with the lines that follow
it and are not a new log record (a traceback). A pattern is a regular expression searched in
"<log file name>: <entry>", so `r"^bot\\.log: .*NetworkError"` allows a bot's NetworkError only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

# The logs of Rasa (rasa.log, rasa-1.log...), the action servers (actions.log, action-2.log...)
# and the bots (bot.log, bot-1.log...). The playground (a stand-in for Telegram), HAProxy and
# supervisord's own log are not the assistant.
SCANNED_LOG: Final = re.compile(r"^(?:rasa|actions?|bot)(?:-\d+)?\.log$")

ANSI: Final = re.compile(r"\x1b\[[0-9;]*m")
# A leading timestamp as Python's logging, Rasa and Sanic write it, then Sanic's [pid].
_STAMP: Final = r"\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d+)?(?: [+-]\d{4})?\]?"
_LEVEL: Final = r"(?:ERROR|CRITICAL|FATAL)"
ERROR_RECORD: Final = re.compile(
    rf"^(?:{_STAMP}\s+)?(?:\[\d+\]\s+)?\[?{_LEVEL}\]?(?=[\s:]|$)"  # logging, Rasa, Sanic
    rf"|^{_STAMP}\s+\[(?:error|critical)\s*\]"  # structlog's console renderer
    r'|^\{.*"(?:log_)?level":\s*"(?:error|critical|exception)"'  # structlog's JSON renderer
)
# Any line that starts a log record (of any level): the end of an entry's continuation.
NEW_RECORD: Final = re.compile(
    rf"^{_STAMP}\s"
    r"|^\[?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]?[\s:]"
    r'|^\{.*"(?:log_)?level"'
)
CONTINUATION_LINES: Final = 30


@dataclass(frozen=True)
class ErrorEntry:
    """One ERROR (or CRITICAL) record of one log file, with its continuation lines."""

    log: str
    line_number: int
    text: str

    def subject(self) -> str:
        """What an expected-error pattern is searched in."""
        return f"{self.log}: {self.text}"

    def __str__(self) -> str:
        return f"{self.log}:{self.line_number}: {self.text}"


def error_entries(log: str, text: str, first_line_number: int = 1) -> list[ErrorEntry]:
    """The ERROR and CRITICAL entries of `text`, a piece of the log file named `log`."""
    lines = [ANSI.sub("", line) for line in text.splitlines()]
    entries = []
    for index, line in enumerate(lines):
        if not ERROR_RECORD.search(line):
            continue
        body = [line]
        for following in lines[index + 1 : index + 1 + CONTINUATION_LINES]:
            if NEW_RECORD.search(following):
                break
            body.append(following)
        entries.append(ErrorEntry(log, first_line_number + index, "\n".join(body).rstrip()))
    return entries


def unexpected(entries: Iterable[ErrorEntry], patterns: Iterable[str]) -> list[ErrorEntry]:
    """The entries no pattern allows (a pattern is searched in `entry.subject()`)."""
    compiled = [re.compile(pattern, re.MULTILINE) for pattern in patterns]
    return [entry for entry in entries if not any(p.search(entry.subject()) for p in compiled)]


def report(entries: Iterable[ErrorEntry], limit: int = 2000) -> str:
    """The entries for a failure message, each cut to `limit` characters."""
    return "\n".join(str(entry)[:limit] for entry in entries)


@dataclass
class LogWatch:
    """Log directories to read, and how far each of their files has been read."""

    directories: list[Path] = field(default_factory=list)
    offsets: dict[Path, int] = field(default_factory=dict)
    line_numbers: dict[Path, int] = field(default_factory=dict)

    def watch(self, directory: Path) -> None:
        """Read `directory`'s scanned logs from now on (from their start)."""
        if directory not in self.directories:
            self.directories.append(directory)

    def forget(self) -> None:
        """Stop reading every directory (a module's system is gone)."""
        self.directories.clear()
        self.offsets.clear()
        self.line_numbers.clear()

    def files(self) -> list[Path]:
        return sorted(
            path
            for directory in self.directories
            if directory.is_dir()
            for path in directory.glob("*.log")
            if SCANNED_LOG.match(path.name)
        )

    def new_entries(self) -> list[ErrorEntry]:
        """The ERROR entries written since the last call (whole lines only)."""
        found = []
        for path in self.files():
            found += self._read_new(path)
        return found

    def _read_new(self, path: Path) -> list[ErrorEntry]:
        offset = self.offsets.get(path, 0)
        size = path.stat().st_size
        if size < offset:  # rotated or truncated: start over
            offset, self.line_numbers[path] = 0, 0
        with path.open("rb") as log:
            log.seek(offset)
            chunk = log.read(size - offset)
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self.offsets[path] = offset + len(complete)
        first = self.line_numbers.get(path, 0) + 1
        self.line_numbers[path] = first - 1 + complete.count(b"\n")
        text = complete.decode("utf-8", errors="replace")
        return error_entries(path.name, text, first)


def scan_logs(logs: Mapping[str, bytes]) -> list[ErrorEntry]:
    """The ERROR entries of whole logs by file name (only the scanned ones)."""
    found = []
    for name, content in sorted(logs.items()):
        if SCANNED_LOG.match(name):
            found += error_entries(name, content.decode("utf-8", errors="replace"))
    return found


WATCH: Final = LogWatch()
"""The e2e session's watch: topologies register their log directories here."""
