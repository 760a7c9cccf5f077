"""Retries every Bot API call that failed for a transient reason, with the bot's one backoff.

Transient: python-telegram-bot's NetworkError and TimedOut (a 5xx such as 502 Bad Gateway, a
dropped connection, a timeout), but never BadRequest (a subclass of NetworkError), Forbidden,
InvalidToken, Conflict or ChatMigrated: those fail the same way every time. A 429 RetryAfter is
retried by the inner AIORateLimiter, which waits what Telegram asks.

The retry sits in the rate limiter, the one place every call but getUpdates goes through, so a
turn's messages are retried one by one and the ones already delivered are never sent again.

A failure after Telegram got the request (a read timeout, a 5xx from its front proxy) may hide a
delivered message. For an ordinary message we retry anyway: a duplicated text is better than a
lost step. A protected message (protect_content: a Token QR, an activation code, personal data)
is retried only when the request provably never left (connect error, connect or pool timeout), so
a secret is never shown twice; otherwise the error goes up and the turn is recovered by
bot/telegram/delivery.py (an apology and the current step asked again, which makes a new QR).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final

import httpx
from telegram.error import BadRequest, NetworkError
from telegram.ext import BaseRateLimiter

from bot.backoff import Backoff

logger = logging.getLogger(__name__)

# Decoration not worth a delay: a lost "typing..." is harmless.
NOT_RETRIED: Final = frozenset({"sendChatAction"})
# httpx errors raised before a single byte of the request reached Telegram.
_NEVER_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def is_transient(error: BaseException) -> bool:
    """A failure worth retrying: a network error or timeout, not a refused request."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def surely_not_sent(error: BaseException) -> bool:
    """Whether the request provably never reached Telegram (it failed while connecting)."""
    return isinstance(error.__cause__, _NEVER_SENT)


def carries_secret(data: dict[str, Any]) -> bool:
    """A protected message: it must never be shown twice."""
    return data.get("protect_content") is True


def should_retry(error: BaseException, *, endpoint: str, data: dict[str, Any]) -> bool:
    """The retry rule: transient errors only, and for a protected message only those that prove
    the message was not delivered."""
    if endpoint in NOT_RETRIED or not is_transient(error):
        return False
    return surely_not_sent(error) if carries_secret(data) else True


class RetryingRateLimiter(BaseRateLimiter[Any]):
    """Wraps another rate limiter (AIORateLimiter) and retries transient failures with backoff.

    Waiting happens outside the inner limiter, so a retrying call holds no rate-limit slot.
    """

    def __init__(
        self,
        inner: BaseRateLimiter[Any],
        policy: Backoff,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._rng = rng

    @property
    def policy(self) -> Backoff:
        """The backoff applied to transient failures."""
        return self._policy

    async def initialize(self) -> None:
        """Initialise the inner limiter."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the inner limiter down."""
        await self._inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> JSONResult:
        """Call through the inner limiter; on a transient failure wait and call again, until the
        policy gives up (then the last error is raised)."""
        started = self._clock()
        failures = 0
        while True:
            try:
                return await self._inner.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                failures += 1
                if not should_retry(exc, endpoint=endpoint, data=data):
                    raise
                delay = self._policy.next_delay(failures, self._clock() - started, self._rng)
                if delay is None:
                    # Type only: an error's text may quote a URL, which holds the bot token.
                    logger.warning(
                        "%s failed %d time(s) (%s); giving up",
                        endpoint,
                        failures,
                        type(exc).__name__,
                    )
                    raise
                logger.info(
                    "%s failed (%s); retry %d in %.1f s",
                    endpoint,
                    type(exc).__name__,
                    failures,
                    delay,
                )
                await self._sleep(delay)
