"""The bot's scheduled work, on python-telegram-bot's JobQueue (APScheduler underneath).

- notices: the bank's notices (approvals, locks, "no agent in time") to their chats;
- deletions: messages whose time has come (an activation code, a token QR);
- ticket expiry: tickets nobody took in time move to follow-up (docs/assist.md);
- chat-state purge: keyboards, update ids and finished deletions too old to matter.

Any number of bot instances may run these: the bank claims each notice, deletion and ticket
once. A failed run is logged and the next run comes at its time. The JobQueue starts with the
Application and stops with it, waiting for a run in progress (a graceful stop).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from telegram.ext import CallbackContext, ExtBot, JobQueue

from bank.notifications import Notifications
from bot.channel_texts import ChannelTexts
from bot.chat_state.async_state import AsyncChatState
from bot.quiet_chats import AsyncQuietChats
from bot.telegram.assist.bank_calls import AssistBank
from bot.telegram.assist.views import notice_values
from bot.telegram.deletions import delete_due_messages
from bot.telegram.notices import NoticeRelay, deliver_notices
from bot.transcript import TranscriptRecorder

logger = logging.getLogger(__name__)

NOTICE_SECONDS: Final = 2.0
DELETION_SECONDS: Final = 2.0
PURGE_EVERY: Final = timedelta(hours=1)
# A run still going when the next is due is not doubled; late runs are merged into one.
_JOB_KWARGS: Final = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}

Context = CallbackContext[
    ExtBot[None], dict[object, object], dict[object, object], dict[object, object]
]


@dataclass(frozen=True)
class BackgroundWork:
    """What the scheduled jobs work with."""

    notifications: Notifications
    state: AsyncChatState
    texts: ChannelTexts
    quiet: AsyncQuietChats
    assist: AssistBank
    recorder: TranscriptRecorder
    bot_id: str
    ticket_expiry_seconds: float
    # Notice kinds delivered by a relay of their own (the web desk's: assist/desk_notices.py).
    relays: Mapping[str, NoticeRelay] = field(default_factory=dict)


def schedule_background_work(job_queue: JobQueue[Context], work: BackgroundWork) -> None:
    """Add the repeating jobs to the application's JobQueue (they run once it starts)."""

    async def notices(context: Context) -> None:
        try:
            await deliver_notices(
                context.bot,
                work.notifications,
                work.texts,
                work.state,
                work.quiet,
                bot_id=work.bot_id,
                values=notice_values,
                recorder=work.recorder,
                relays=work.relays,
            )
        except Exception as exc:
            logger.error("notice delivery failed (%s)", type(exc).__name__)

    async def deletions(context: Context) -> None:
        try:
            await delete_due_messages(context.bot, work.state)
        except Exception as exc:
            logger.error("scheduled deletions failed (%s)", type(exc).__name__)

    async def ticket_expiry(_: Context) -> None:
        try:
            moved = await work.assist.expire_waiting()
            if moved:
                logger.info("%d ticket(s) moved to follow-up: no agent in time", moved)
        except Exception as exc:
            logger.error("ticket expiry failed (%s)", type(exc).__name__)

    async def purge(_: Context) -> None:
        try:
            await work.state.purge()
        except Exception as exc:
            logger.error("chat state purge failed (%s)", type(exc).__name__)

    job_queue.run_repeating(
        notices, NOTICE_SECONDS, first=0, name="notices", job_kwargs=_JOB_KWARGS
    )
    job_queue.run_repeating(
        deletions, DELETION_SECONDS, first=0, name="deletions", job_kwargs=_JOB_KWARGS
    )
    job_queue.run_repeating(
        ticket_expiry,
        work.ticket_expiry_seconds,
        first=0,
        name="ticket-expiry",
        job_kwargs=_JOB_KWARGS,
    )
    job_queue.run_repeating(
        purge, PURGE_EVERY, first=0, name="chat-state-purge", job_kwargs=_JOB_KWARGS
    )
