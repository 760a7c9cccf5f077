"""The e2e suite's log scanner (tests/support/log_scan.py): which lines are ERROR entries, how an
expected error is allowed, and how a watched directory is read piece by piece."""

from __future__ import annotations

from pathlib import Path

from tests.support.log_scan import LogWatch, error_entries, report, scan_logs, unexpected

RASA_LOG = "\n".join(
    [
        "2026-12-06 19:53:49 INFO     root  - Starting Rasa server on http://127.0.0.1:5005",
        "2026-12-06 19:54:02 ERROR    rasa.core.actions.action  - Failed to run custom action "
        "'validate_registration_form'. Couldn't connect to the server at "
        "'http://127.0.0.1:5055/webhook'. Is the server running?",
        "Traceback (most recent call last):",
        '  File "/x/rasa/core/actions/action.py", line 770, in run',
        "aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host 127.0.0.1:5055",
        "2026-12-06 19:54:02 WARNING  rasa.core.processor  - Action 'validate_form' failed",
        # Rasa's structlog events as its log files hold them (a JSON object after the level).
        "2026-12-06 19:54:30 ERROR    rasa.core.nlg.interpolator  - "
        '{"response": "/request_human{\\"agent_reason\\": \\"locked\\"}", '
        '"event": "interpolator.interpolate.text", "level": "error"}',
        "",
    ]
)


def test_rasa_error_lines_are_entries_with_their_traceback() -> None:
    entries = error_entries("rasa.log", RASA_LOG)
    assert [entry.line_number for entry in entries] == [2, 7]
    first = entries[0].text.splitlines()
    assert first[0].startswith("2026-12-06 19:54:02 ERROR")
    assert first[-1].startswith("aiohttp.client_exceptions.ClientConnectorError"), "traceback"
    assert "WARNING" not in entries[0].text, "the next record ends the entry"
    assert "interpolator" in entries[1].text


def test_every_format_the_system_writes_is_recognised() -> None:
    lines = [
        "2026-12-06 19:54:02,123 ERROR bot.telegram.errors: error 1a2b while handling an update",
        "2026-12-06 19:54:02,123 CRITICAL telegram.ext.Updater: Updater stopped unexpectedly",
        "2026-12-06 19:54:02,123 ERROR bot.supervision.rasa_workers a Rasa worker died",
        "[2026-12-06 19:54:02 +0000] [4242] [ERROR] Exception occurred while handling uri",
        "2026-12-06 19:54:02 [error    ] interpolator.interpolate.text placeholder_key=x",
        '{"event": "interpolator.interpolate.text", "log_level": "error"}',
        "\x1b[31m2026-12-06 19:54:02 ERROR    rasa.core.processor  - coloured\x1b[0m",
        "ERROR bank: a line without a timestamp",
    ]
    found = error_entries("bot.log", "\n".join(lines))
    assert [entry.line_number for entry in found] == list(range(1, len(lines) + 1))
    assert "\x1b" not in found[6].text


def test_lines_of_other_levels_are_not_entries_even_when_they_say_error() -> None:
    lines = [
        "2026-12-06 19:54:02,123 INFO bot.conversation: the customer wrote ERROR in capitals",
        "2026-12-06 19:54:02,123 DEBUG bot.rasa_client: rasa answered 2 message(s)",
        "2026-12-06 19:54:02,123 WARNING bot.rasa_outage: rasa not reached; giving up",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in <module>',
        "[2026-12-06 19:54:02 +0000] [4242] [INFO] Starting worker [4242]",
        '{"event": "rasa.core.processor.slots", "log_level": "debug", "text": "error"}',
        "/x/site-packages/rasa/utils/io.py:99: UserWarning: an error in the data",
    ]
    assert error_entries("bot.log", "\n".join(lines)) == []


def test_an_expected_error_is_allowed_only_in_the_log_its_pattern_names() -> None:
    text = (
        "2026-12-06 19:54:02,123 ERROR bot.telegram.errors: error 1a2b: telegram.error.NetworkError"
    )
    in_bot = error_entries("bot.log", text)
    in_rasa = error_entries("rasa.log", text)
    pattern = r"^bot\.log: .*telegram\.error\.NetworkError"
    assert unexpected(in_bot, [pattern]) == []
    assert unexpected(in_rasa, [pattern]) == in_rasa
    assert unexpected(in_bot, []) == in_bot
    assert "bot.log:1: " in report(in_bot)


def test_a_pattern_may_match_the_traceback_of_an_entry() -> None:
    entries = error_entries("rasa.log", RASA_LOG)
    left = unexpected(entries, [r"^rasa\.log: .*\n(?:.*\n)*aiohttp\.\S*ClientConnectorError"])
    assert [entry.line_number for entry in left] == [7]


def test_a_watched_directory_is_read_from_where_the_last_look_stopped(tmp_path: Path) -> None:
    watch = LogWatch()
    watch.watch(tmp_path)
    bot = tmp_path / "bot.log"
    bot.write_text("2026-12-06 19:54:02,1 INFO bot: up\n2026-12-06 19:54:02,1 ERROR bot: one\n")
    (tmp_path / "playground.log").write_text("2026-12-06 19:54:02,1 ERROR playground: no\n")
    (tmp_path / "supervisord.log").write_text("2026-12-06 19:54:02,1 CRIT running as root\n")
    assert [(e.log, e.line_number) for e in watch.new_entries()] == [("bot.log", 2)]
    assert watch.new_entries() == [], "already read"

    with bot.open("a") as log:
        log.write("2026-12-06 19:54:03,1 ERROR bot: two\n2026-12-06 19:54:03,1 ERROR bot: thr")
    assert [(e.text, e.line_number) for e in watch.new_entries()] == [
        ("2026-12-06 19:54:03,1 ERROR bot: two", 3)
    ], "a line still being written waits"
    with bot.open("a") as log:
        log.write("ee\n")
    assert [e.text for e in watch.new_entries()] == ["2026-12-06 19:54:03,1 ERROR bot: three"]

    (tmp_path / "action-2.log").write_text("[2026-12-06 19:54:04 +0000] [7] [ERROR] boom\n")
    assert [e.log for e in watch.new_entries()] == ["action-2.log"], "a new file"

    bot.write_text("2026-12-06 19:54:05,1 ERROR bot: after a rotation\n")
    assert [e.line_number for e in watch.new_entries()] == [1]

    watch.forget()
    assert watch.new_entries() == []


def test_whole_logs_are_scanned_by_file_name() -> None:
    logs = {
        "rasa-1.log": RASA_LOG.encode(),
        "actions.log": b"2026-12-06 19:54:02 INFO     rasa_sdk.executor  - Registered\n",
        "haproxy.log": b"[ERROR] (1) : a server is DOWN\n",
    }
    assert [(e.log, e.line_number) for e in scan_logs(logs)] == [
        ("rasa-1.log", 2),
        ("rasa-1.log", 7),
    ]
