"""Per-chat update queues and chat locks in Redis, shared by every bot instance.

Keys (all under `<prefix>:`):
  received            sorted set of the update ids recorded lately (dedup and gap checks)
  chats               set of the chats with updates waiting
  chat:<id>:pending   sorted set of the chat's waiting update ids (score = update_id)
  chat:<id>:payloads  hash update_id -> the update's JSON
  chat:<id>:lock      the token of the instance working on the chat, with a lease (PX)
  chat:<id>:started   hash update_id -> 1 for an update whose processing has begun
  chat:<id>:last      the chat's last processed update_id

Every change that must be atomic is one Lua script, so instances never see half a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from redis.asyncio import Redis

# How many recent update ids are remembered for de-duplication (older repeats are caught by
# the bank's update-id claim).
KEEP_RECEIVED: Final = 100_000
# The gap check looks at most this many ids back (earlier ones are long settled).
GAP_WINDOW: Final = 1_000
# A chat's last processed update_id is forgotten after 30 idle days.
LAST_ID_SECONDS: Final = 30 * 24 * 3600

_RECORD: Final = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
local size = redis.call('ZCARD', KEYS[1])
local keep = tonumber(ARGV[4])
if size > keep then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - keep - 1) end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[3])
return 1
"""
_RENEW: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_BEGIN: Final = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('HSETNX', KEYS[2], ARGV[2], 1) == 0 then return 1 end
return 0
"""
_COMPLETE: Final = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[6], ARGV[2])
redis.call('SET', KEYS[4], ARGV[2], 'EX', ARGV[4])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[5], ARGV[3]) end
return 1
"""


class Begun(Enum):
    """What `begin` found: a fresh update, one an earlier holder had begun, or a lost lock."""

    FRESH = 0
    INTERRUPTED = 1
    LOCK_LOST = -1


@dataclass(frozen=True)
class PendingUpdate:
    """The lowest waiting update of a chat."""

    update_id: int
    payload: str


class RedisChatQueue:
    """The Redis side of the cross-instance per-chat ordering."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._record = redis.register_script(_RECORD)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._begin = redis.register_script(_BEGIN)
        self._complete = redis.register_script(_COMPLETE)

    def _key(self, *parts: object) -> str:
        return ":".join((self._prefix, *(str(part) for part in parts)))

    async def record(self, chat_id: int, update_id: int, payload: str) -> bool:
        """Queue an update for its chat; False when this update_id was recorded before."""
        result = await self._record(
            keys=[
                self._key("received"),
                self._key("chat", chat_id, "pending"),
                self._key("chat", chat_id, "payloads"),
                self._key("chats"),
            ],
            args=[update_id, payload, chat_id, KEEP_RECEIVED],
        )
        return bool(result)

    async def acquire(self, chat_id: int, token: str, lease_ms: int) -> bool:
        """Take the chat's lock for `lease_ms` unless another instance holds it."""
        taken = await self._redis.set(
            self._key("chat", chat_id, "lock"), token, nx=True, px=lease_ms
        )
        return bool(taken)

    async def renew(self, chat_id: int, token: str, lease_ms: int) -> bool:
        """Extend the lease; False when the lock is no longer ours (it expired)."""
        result = await self._renew(
            keys=[self._key("chat", chat_id, "lock")], args=[token, lease_ms]
        )
        return bool(result)

    async def release(self, chat_id: int, token: str) -> None:
        """Free the chat's lock if it is still ours."""
        await self._release(keys=[self._key("chat", chat_id, "lock")], args=[token])

    async def lowest(self, chat_id: int) -> PendingUpdate | None:
        """The chat's waiting update with the lowest update_id."""
        ids = await self._redis.zrange(self._key("chat", chat_id, "pending"), 0, 0)
        if not ids:
            return None
        update_id = int(_text(ids[0]))
        payload = await self._redis.hget(self._key("chat", chat_id, "payloads"), str(update_id))
        # Recording is atomic, so a body is always there; "" lets a broken entry be skipped.
        return PendingUpdate(update_id, "" if payload is None else _text(payload))

    async def begin(self, chat_id: int, token: str, update_id: int) -> Begun:
        """Mark an update as begun (while holding the lock); INTERRUPTED when an earlier holder
        had begun it and died (or lost its lock) before completing it."""
        result = await self._begin(
            keys=[self._key("chat", chat_id, "lock"), self._key("chat", chat_id, "started")],
            args=[token, update_id],
        )
        return Begun(int(result))

    async def complete(self, chat_id: int, token: str, update_id: int) -> bool:
        """Remove a processed update (only while holding the lock); False when the lock was lost."""
        result = await self._complete(
            keys=[
                self._key("chat", chat_id, "lock"),
                self._key("chat", chat_id, "pending"),
                self._key("chat", chat_id, "payloads"),
                self._key("chat", chat_id, "last"),
                self._key("chats"),
                self._key("chat", chat_id, "started"),
            ],
            args=[token, update_id, chat_id, LAST_ID_SECONDS],
        )
        return bool(result)

    async def has_pending(self, chat_id: int) -> bool:
        """Whether the chat has waiting updates."""
        return bool(await self._redis.zcard(self._key("chat", chat_id, "pending")))

    async def chats_with_pending(self) -> list[int]:
        """Every chat with waiting updates (for the sweep after a dead instance)."""
        members = await self._redis.smembers(self._key("chats"))
        return sorted(int(_text(member)) for member in members)

    async def earlier_ids_missing(self, chat_id: int, update_id: int) -> bool:
        """Whether an update_id between the chat's last processed one and `update_id` has not
        been recorded by any instance yet (it may be an earlier update of this chat in flight)."""
        raw_last = await self._redis.get(self._key("chat", chat_id, "last"))
        oldest = await self._redis.zrange(self._key("received"), 0, 0)
        # Nothing is known before the oldest recorded id (a new Redis, or trimmed away).
        low = max(update_id - GAP_WINDOW, int(_text(oldest[0])) if oldest else update_id)
        if raw_last is not None:
            low = max(low, int(raw_last) + 1)
        if low >= update_id:
            return False
        recorded = await self._redis.zcount(self._key("received"), low, update_id - 1)
        return int(recorded) < update_id - low


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
