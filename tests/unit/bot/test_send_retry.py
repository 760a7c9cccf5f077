"""The retry of Bot API calls: which errors are retried, how long it waits, when it gives up,
and that a protected message is retried only when it provably never left."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.backoff import Backoff
from bot.telegram.send_retry import RetryingRateLimiter, is_transient, should_retry

POLICY = Backoff(attempts=4, first_delay=0.5, max_delay=2.0, total_seconds=60.0)


def caused_by(error: TelegramError, cause: BaseException) -> TelegramError:
    """The error as python-telegram-bot raises it: `raise error from cause`."""
    error.__cause__ = cause
    return error


def connect_refused() -> TelegramError:
    return caused_by(
        NetworkError("httpx.ConnectError: [Errno 111] Connection refused"),
        httpx.ConnectError("refused"),
    )


def read_timeout() -> TelegramError:
    return caused_by(TimedOut(), httpx.ReadTimeout("read"))


class PassThrough(BaseRateLimiter[Any]):
    """An inner limiter that just calls through."""

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(  # type: ignore[override]
        self, callback: Any, args: Any, kwargs: Any, endpoint: Any, data: Any, rate_limit_args: Any
    ) -> Any:
        return await callback(*args, **kwargs)


class FlakyTelegram:
    """A Bot API call that fails with the scripted errors, then answers."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"message_id": self.calls}


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 0.0

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def limiter(sleeps: Sleeps, policy: Backoff = POLICY) -> RetryingRateLimiter:
    return RetryingRateLimiter(
        PassThrough(), policy, sleep=sleeps.sleep, clock=sleeps.clock, rng=lambda: 0.5
    )


async def call(
    retrying: RetryingRateLimiter,
    telegram: FlakyTelegram,
    endpoint: str = "sendMessage",
    data: dict[str, Any] | None = None,
) -> Any:
    body = data if data is not None else {"chat_id": 1, "text": "hola"}
    return await retrying.process_request(telegram, (endpoint, body), {}, endpoint, body, None)


@pytest.mark.parametrize(
    "error",
    [NetworkError("Bad Gateway"), TimedOut(), connect_refused(), read_timeout()],
    ids=["502", "timeout", "connect-refused", "read-timeout"],
)
async def test_transient_errors_are_retried_until_telegram_answers(error: TelegramError) -> None:
    sleeps = Sleeps()
    telegram = FlakyTelegram(error, error)
    assert await call(limiter(sleeps), telegram) == {"message_id": 3}
    assert telegram.calls == 3
    assert sleeps.waits == [0.375, 0.75]  # equal jitter at rng 0.5: 3/4 of 0.5 s, then of 1 s


@pytest.mark.parametrize(
    "error",
    [
        BadRequest("Bad Request: chat not found"),
        Forbidden("Forbidden: bot was blocked by the user"),
        InvalidToken(),
        RetryAfter(3),
        ChatMigrated(5),
    ],
    ids=["bad-request", "forbidden", "invalid-token", "retry-after", "chat-migrated"],
)
async def test_errors_that_would_fail_again_are_not_retried(error: TelegramError) -> None:
    sleeps = Sleeps()
    telegram = FlakyTelegram(error)
    with pytest.raises(type(error)):
        await call(limiter(sleeps), telegram)
    assert telegram.calls == 1 and sleeps.waits == []
    assert not is_transient(error)


async def test_it_gives_up_after_the_attempts_with_the_last_error() -> None:
    sleeps = Sleeps()
    errors = [NetworkError(f"Bad Gateway {n}") for n in range(5)]
    telegram = FlakyTelegram(*errors)
    with pytest.raises(NetworkError, match="Bad Gateway 3"):
        await call(limiter(sleeps), telegram)
    assert telegram.calls == POLICY.attempts
    assert len(sleeps.waits) == POLICY.attempts - 1
    assert all(wait <= POLICY.max_delay for wait in sleeps.waits)


async def test_it_gives_up_when_the_time_budget_is_spent() -> None:
    sleeps = Sleeps()
    short = Backoff(attempts=100, first_delay=1.0, max_delay=1.0, total_seconds=2.0)
    telegram = FlakyTelegram(*[TimedOut() for _ in range(100)])
    with pytest.raises(TimedOut):
        await call(limiter(sleeps, short), telegram)
    assert sum(sleeps.waits) <= short.total_seconds
    assert telegram.calls == 4  # 0.75 + 0.75 + 0.5 (what was left) seconds of waiting


async def test_a_protected_message_is_retried_only_when_it_never_left() -> None:
    protected = {"chat_id": 1, "photo": "qr", "protect_content": True}
    sleeps = Sleeps()
    telegram = FlakyTelegram(connect_refused())
    assert await call(limiter(sleeps), telegram, "sendPhoto", protected) == {"message_id": 2}

    for maybe_delivered in (read_timeout(), NetworkError("Bad Gateway")):
        telegram = FlakyTelegram(maybe_delivered)
        with pytest.raises(NetworkError):
            await call(limiter(sleeps), telegram, "sendPhoto", protected)
        assert telegram.calls == 1, "a secret that may have arrived is never sent twice"


def test_the_typing_indicator_is_not_worth_a_retry() -> None:
    assert not should_retry(TimedOut(), endpoint="sendChatAction", data={})
    assert should_retry(TimedOut(), endpoint="sendMessage", data={})


async def test_it_wraps_the_rate_limiter_that_retries_429s() -> None:
    sleeps = Sleeps()
    retrying = RetryingRateLimiter(AIORateLimiter(max_retries=1), POLICY, sleep=sleeps.sleep)
    await retrying.initialize()
    telegram = FlakyTelegram(NetworkError("Bad Gateway"))
    try:
        assert await call(retrying, telegram) == {"message_id": 2}
    finally:
        await retrying.shutdown()
