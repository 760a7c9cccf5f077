"""Moves tickets nobody took in time to follow-up, every few seconds (docs/assist.md). The bank
queues each customer's `assist_no_agent` notice, which the notice loop delivers. Any number of
bot instances may run this: the bank expires each ticket once."""

from __future__ import annotations

import asyncio
import logging

from bot.telegram.assist.bank_calls import AssistBank

logger = logging.getLogger(__name__)


async def expiry_loop(assist: AssistBank, every: float) -> None:
    """Expire waiting tickets until cancelled; a failure is logged and the loop goes on."""
    while True:
        try:
            moved = await assist.expire_waiting()
            if moved:
                logger.info("%d ticket(s) moved to follow-up: no agent in time", moved)
        except Exception as exc:
            logger.error("ticket expiry failed (%s)", type(exc).__name__)
        await asyncio.sleep(every)
