"""Per-chat order across two bot instances through the real Redis at 127.0.0.1:6379.

Each test uses its own random key prefix and deletes its keys afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.shared_state.chat_queue import RedisChatQueue
from bot.shared_state.ordering import SharedChatOrdering

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/0"
CHAT = 7
OTHER_CHAT = 8


@dataclass
class Journal:
    """What the instances processed, and how many updates of one chat ran at once."""

    processed: list[tuple[str, int, int]] = field(default_factory=list)  # instance, chat, id
    running: dict[int, int] = field(default_factory=dict)
    most_at_once: dict[int, int] = field(default_factory=dict)
    gate: asyncio.Event | None = None

    def ids(self, chat: int) -> list[int]:
        return [update_id for _, of_chat, update_id in self.processed if of_chat == chat]

    def processor(self, instance: str) -> Callable[[str], Awaitable[None]]:
        async def process(payload: str) -> None:
            update = json.loads(payload)
            chat = update["chat"]
            self.running[chat] = self.running.get(chat, 0) + 1
            self.most_at_once[chat] = max(self.most_at_once.get(chat, 0), self.running[chat])
            try:
                if self.gate is not None:
                    await self.gate.wait()
                await asyncio.sleep(random.uniform(0, 0.01))
                self.processed.append((instance, chat, update["update_id"]))
            finally:
                self.running[chat] -= 1

        return process


def body(chat: int, update_id: int) -> str:
    return json.dumps({"update_id": update_id, "chat": chat})


async def until(condition: Callable[[], bool], what: str, limit: float = 15.0) -> None:
    """Wait for `condition` (the limit only stops a broken test; nothing is timed)."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), limit)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"test-ordering:{secrets.token_hex(6)}"
    yield name
    redis = Redis.from_url(REDIS_URL)
    async for key in redis.scan_iter(match=f"{name}:*"):
        await redis.delete(key)
    await redis.aclose()


@dataclass
class Instance:
    name: str
    redis: Redis
    queue: RedisChatQueue
    ordering: SharedChatOrdering


@pytest.fixture
async def instances(prefix: str) -> AsyncIterator[Callable[..., Instance]]:
    """Builds "bot instances": each with its own Redis connection, queue and ordering."""
    built: list[Instance] = []

    def build(
        name: str,
        journal: Journal,
        *,
        lease: float = 2.0,
        gap_wait: float = 2.0,
        resumed: Journal | None = None,
    ) -> Instance:
        redis = Redis.from_url(REDIS_URL)
        queue = RedisChatQueue(redis, prefix)
        ordering = SharedChatOrdering(
            queue,
            journal.processor(name),
            lease_seconds=lease,
            gap_wait_seconds=gap_wait,
            resume=None if resumed is None else resumed.processor(name),
        )
        ordering.start()
        instance = Instance(name, redis, queue, ordering)
        built.append(instance)
        return instance

    yield build
    for instance in built:
        await instance.ordering.stop(grace_seconds=2)
        await instance.redis.aclose()


async def test_two_instances_process_a_chat_in_update_id_order_one_at_a_time(
    instances: Callable[..., Instance],
) -> None:
    journal = Journal()
    first, second = instances("A", journal), instances("B", journal)
    # An update already processed: the chats' history starts here.
    await first.ordering.receive(OTHER_CHAT, 1000, body(OTHER_CHAT, 1000))
    await until(lambda: journal.ids(OTHER_CHAT) == [1000], "the first update")

    # Telegram delivers concurrently: ids 1001..1040 of two chats arrive shuffled, each at
    # either instance, several at once.
    updates = [(CHAT if n % 3 else OTHER_CHAT, n) for n in range(1001, 1041)]
    random.shuffle(updates)

    async def deliver(chat: int, update_id: int) -> None:
        await asyncio.sleep(random.uniform(0, 0.05))
        target = random.choice((first, second))
        assert await target.ordering.receive(chat, update_id, body(chat, update_id))

    await asyncio.gather(*(deliver(chat, update_id) for chat, update_id in updates))
    await until(lambda: len(journal.processed) == 41, "every update processed")

    assert journal.ids(CHAT) == sorted(n for chat, n in updates if chat == CHAT)
    assert journal.ids(OTHER_CHAT) == [1000, *sorted(n for c, n in updates if c == OTHER_CHAT)]
    assert journal.most_at_once == {CHAT: 1, OTHER_CHAT: 1}


async def test_updates_waiting_when_a_chat_is_free_are_taken_lowest_first(
    instances: Callable[..., Instance], prefix: str
) -> None:
    journal = Journal()
    redis = Redis.from_url(REDIS_URL)
    queue = RedisChatQueue(redis, prefix)
    for update_id in (505, 503, 504, 501, 502):
        assert await queue.record(CHAT, update_id, body(CHAT, update_id))
    await redis.aclose()
    instance = instances("A", journal, gap_wait=0)
    instance.ordering.wake(CHAT)
    await until(lambda: len(journal.processed) == 5, "all five processed")
    assert journal.ids(CHAT) == [501, 502, 503, 504, 505]


async def test_a_late_earlier_update_is_waited_for_within_the_gap_wait(
    instances: Callable[..., Instance],
) -> None:
    journal = Journal()
    instance = instances("A", journal, gap_wait=5)
    await instance.ordering.receive(CHAT, 700, body(CHAT, 700))
    await until(lambda: journal.ids(CHAT) == [700], "the first update")

    await instance.ordering.receive(CHAT, 702, body(CHAT, 702))  # 701 is still on its way
    await asyncio.sleep(0.2)
    assert journal.ids(CHAT) == [700]
    await instance.ordering.receive(CHAT, 701, body(CHAT, 701))
    await until(lambda: len(journal.ids(CHAT)) == 3, "both processed")
    assert journal.ids(CHAT) == [700, 701, 702]


async def test_a_missing_id_delays_an_update_at_most_the_gap_wait(
    instances: Callable[..., Instance],
) -> None:
    journal = Journal()
    instance = instances("A", journal, gap_wait=0.3)
    await instance.ordering.receive(CHAT, 800, body(CHAT, 800))
    await until(lambda: journal.ids(CHAT) == [800], "the first update")
    # 801 never comes (an update of a kind this bot does not receive): 802 still goes through.
    await instance.ordering.receive(CHAT, 802, body(CHAT, 802))
    await until(lambda: journal.ids(CHAT) == [800, 802], "processed after the gap wait")


async def test_the_same_update_delivered_to_both_instances_is_processed_once(
    instances: Callable[..., Instance],
) -> None:
    journal = Journal()
    first, second = instances("A", journal), instances("B", journal)
    answers = await asyncio.gather(
        first.ordering.receive(CHAT, 900, body(CHAT, 900)),
        second.ordering.receive(CHAT, 900, body(CHAT, 900)),
    )
    assert sorted(answers) == [False, True]
    await until(lambda: journal.ids(CHAT) == [900], "processed")
    # A retry after processing (Telegram did not get the 200 in time) is dropped too.
    assert not await first.ordering.receive(CHAT, 900, body(CHAT, 900))
    await asyncio.sleep(0.2)
    assert journal.ids(CHAT) == [900]


async def test_a_dead_instance_lock_expires_and_another_instance_takes_the_chat(
    instances: Callable[..., Instance], prefix: str
) -> None:
    # What a killed instance leaves: the chat's lock with its lease, and a recorded update it
    # had not begun.
    redis = Redis.from_url(REDIS_URL)
    dead = RedisChatQueue(redis, prefix)
    assert await dead.acquire(CHAT, "dead-instance", lease_ms=1500)
    assert await dead.record(CHAT, 600, body(CHAT, 600))

    journal = Journal()
    alive = instances("B", journal, lease=0.6, gap_wait=0)
    assert await alive.ordering.receive(CHAT, 601, body(CHAT, 601))
    await asyncio.sleep(0.3)
    assert await redis.pttl(f"{prefix}:chat:{CHAT}:lock") > 0  # still the dead one's
    assert journal.processed == []

    await until(lambda: len(journal.processed) == 2, "taken over after the lease ran out")
    assert journal.ids(CHAT) == [600, 601]
    await redis.aclose()


async def test_a_working_instance_keeps_its_lease_beyond_the_lease_time(
    instances: Callable[..., Instance], prefix: str
) -> None:
    journal = Journal(gate=asyncio.Event())
    first = instances("A", journal, lease=0.3, gap_wait=0)
    second = instances("B", Journal(), lease=0.3, gap_wait=0)
    await first.ordering.receive(CHAT, 650, body(CHAT, 650))
    await until(lambda: journal.running.get(CHAT) == 1, "A is processing")
    await second.ordering.receive(CHAT, 651, body(CHAT, 651))
    await asyncio.sleep(1.0)  # three leases: A renews, so B never takes the chat meanwhile
    assert journal.processed == []
    assert journal.gate is not None
    journal.gate.set()
    await until(lambda: journal.ids(CHAT) == [650, 651], "A processed both")
    assert {instance for instance, _, _ in journal.processed} == {"A"}


async def test_a_failing_update_does_not_block_its_chat(
    instances: Callable[..., Instance], prefix: str
) -> None:
    seen: list[int] = []

    async def process(payload: str) -> None:
        update_id = json.loads(payload)["update_id"]
        seen.append(update_id)
        if update_id == 300:
            raise RuntimeError("a handler bug")

    redis = Redis.from_url(REDIS_URL)
    ordering = SharedChatOrdering(
        RedisChatQueue(redis, prefix), process, lease_seconds=1, gap_wait_seconds=0
    )
    try:
        await ordering.receive(CHAT, 300, body(CHAT, 300))
        await ordering.receive(CHAT, 301, body(CHAT, 301))
        await until(lambda: seen == [300, 301], "the next update after a failure")
    finally:
        await ordering.stop()
        await redis.aclose()


async def test_stopping_leaves_unprocessed_updates_for_the_other_instance(
    instances: Callable[..., Instance],
) -> None:
    journal_a, journal_b = Journal(gate=asyncio.Event()), Journal()
    first = instances("A", journal_a, lease=0.6, gap_wait=0)
    await first.ordering.receive(CHAT, 400, body(CHAT, 400))
    await first.ordering.receive(CHAT, 401, body(CHAT, 401))
    await until(lambda: journal_a.running.get(CHAT) == 1, "A is processing 400")
    stopping = asyncio.create_task(first.ordering.stop(grace_seconds=5))
    assert journal_a.gate is not None
    journal_a.gate.set()
    await stopping
    assert journal_a.ids(CHAT) == [400]

    instances("B", journal_b, lease=0.6, gap_wait=0)
    await until(lambda: journal_b.ids(CHAT) == [401], "B took the rest")


async def test_a_chat_held_by_a_killed_process_is_taken_over_after_its_lease(
    instances: Callable[..., Instance], prefix: str
) -> None:
    redis = Redis.from_url(REDIS_URL)
    queue = RedisChatQueue(redis, prefix)
    for update_id in (1, 2):
        assert await queue.record(CHAT, update_id, body(CHAT, update_id))
    worker = Path(__file__).with_name("shared_ordering_worker.py")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(worker),
        REDIS_URL,
        prefix,
        str(CHAT),
        "1.5",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert line.decode().strip() == "processing 1"
        process.kill()  # kill -9 while it holds the chat
        await process.wait()

        journal, resumed = Journal(), Journal()
        instances("B", journal, lease=0.6, gap_wait=0, resumed=resumed)
        assert await redis.pttl(f"{prefix}:chat:{CHAT}:lock") > 0  # the dead one's lease
        assert journal.processed == []
        await until(lambda: len(journal.processed) == 1, "taken over once the lease ran out")
        # Update 1 had begun in the killed process: it is resumed, not processed again.
        assert (resumed.ids(CHAT), journal.ids(CHAT)) == ([1], [2])
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await redis.aclose()


async def test_an_update_begun_by_a_dead_instance_is_resumed_not_processed_again(
    instances: Callable[..., Instance], prefix: str
) -> None:
    redis = Redis.from_url(REDIS_URL)
    dead = RedisChatQueue(redis, prefix)
    assert await dead.acquire(CHAT, "dead-instance", lease_ms=500)
    for update_id in (10, 11):
        assert await dead.record(CHAT, update_id, body(CHAT, update_id))
    assert (await dead.begin(CHAT, "dead-instance", 10)).name == "FRESH"
    assert (await dead.begin(CHAT, "not-the-holder", 11)).name == "LOCK_LOST"

    journal, resumed = Journal(), Journal()
    instances("B", journal, lease=0.6, gap_wait=0, resumed=resumed)
    await until(lambda: len(journal.processed) == 1, "taken over")
    assert (resumed.ids(CHAT), journal.ids(CHAT)) == ([10], [11])
    await redis.aclose()
