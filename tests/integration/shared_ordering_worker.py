"""A bot instance's ordering in its own process, for the kill -9 test: it takes the chat, says
which update it is processing on stdout, and hangs there until killed.

Usage: python shared_ordering_worker.py <redis url> <key prefix> <chat id> <lease seconds>
"""

from __future__ import annotations

import asyncio
import json
import sys

from redis.asyncio import Redis

from bot.shared_state.chat_queue import RedisChatQueue
from bot.shared_state.ordering import SharedChatOrdering


async def main(url: str, prefix: str, chat_id: int, lease: float) -> None:
    async def process(payload: str) -> None:
        print(f"processing {json.loads(payload)['update_id']}", flush=True)
        await asyncio.Event().wait()  # hangs: the test kills this process here

    ordering = SharedChatOrdering(
        RedisChatQueue(Redis.from_url(url), prefix),
        process,
        lease_seconds=lease,
        gap_wait_seconds=0,
    )
    ordering.wake(chat_id)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
