"""The bot's scheduled work runs on the JobQueue: every job is there, and a failing run is logged
and does not stop the next one."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest
from telegram.ext import ApplicationBuilder, CallbackContext

from bot.telegram.jobs import BackgroundWork, schedule_background_work


class Failing:
    """Every call fails, as a database that went away would."""

    def __getattr__(self, name: str) -> Any:
        def fail(*_: object, **__: object) -> None:
            raise ConnectionError(name)

        return fail


def work() -> BackgroundWork:
    failing = cast(Any, Failing())
    return BackgroundWork(
        notifications=failing,
        state=failing,
        texts=failing,
        quiet=failing,
        assist=failing,
        recorder=failing,
        bot_id="bot1",
        ticket_expiry_seconds=5.0,
    )


def test_every_background_job_is_scheduled() -> None:
    application = ApplicationBuilder().token("1:x").build()
    assert application.job_queue is not None
    schedule_background_work(application.job_queue, work())
    names = sorted(job.name or "" for job in application.job_queue.jobs())
    assert names == ["chat-state-purge", "deletions", "notices", "ticket-expiry"]


async def test_a_failing_run_is_logged_and_raises_nothing(caplog: pytest.LogCaptureFixture) -> None:
    application = ApplicationBuilder().token("1:x").build()
    assert application.job_queue is not None
    schedule_background_work(application.job_queue, work())
    context = CallbackContext(application)
    with caplog.at_level(logging.ERROR, logger="bot.telegram.jobs"):
        for job in application.job_queue.jobs():
            await job.callback(context)
    failures = sorted(record.getMessage().split(" (")[0] for record in caplog.records)
    assert failures == [
        "chat state purge failed",
        "notice delivery failed",
        "scheduled deletions failed",
        "ticket expiry failed",
    ]
