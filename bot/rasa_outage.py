"""Riding out a Rasa (or action server) restart: wait, retry only what is safe, then carry on.

Two kinds of failure reach the bot, and they are handled differently:

- RasaNotReached (connection refused, a connect error, a 502/503 before processing): the message
  provably never reached Rasa, so it is sent again with backoff for up to the outage budget
  (settings: long enough for a restart and a model load). The customer is told "un momento" once
  per chat per outage (an outage ends when any message gets through).
- RasaNoAnswer (a read timeout, a 500, a broken body) or an empty answer (an action failed: the
  action server is down and Rasa lost that action's events): the message may have been processed,
  so it is never sent again (a cédula sent twice could count as a wrong PIN). The channel
  apologises and, once Rasa and the action server are healthy, asks the current step again
  (bot/telegram/delivery.py).

Work is bounded: at most `max_waiting` messages wait for Rasa at once (others are answered at once
with an apology), every wait ends at the outage budget, and stop() (the bot is shutting down) ends
every wait at once so in-flight updates finish quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence

from bot.backoff import Backoff
from bot.rasa_client import RasaClient
from bot.rasa_errors import RasaNotReached
from bot.rasa_messages import BotMessage

logger = logging.getLogger(__name__)

HealthProbe = Callable[[], Awaitable[bool]]
OnWaiting = Callable[[], Awaitable[None]]


class RasaOutage:
    """Shared by every chat of one bot process: who was told to wait, how many are waiting."""

    def __init__(
        self,
        policy: Backoff,
        *,
        max_waiting: int,
        probes: Sequence[HealthProbe] = (),
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._policy = policy
        self._max_waiting = max_waiting
        self._probes = tuple(probes)
        self._clock = clock
        self._rng = rng
        self._told: set[str] = set()
        self._waiting = 0
        self._stopping = asyncio.Event()

    @property
    def waiting(self) -> int:
        """Messages waiting for Rasa right now."""
        return self._waiting

    @property
    def stopping(self) -> bool:
        """Whether stop() was called: no more waiting."""
        return self._stopping.is_set()

    def stop(self) -> None:
        """The bot is stopping: end every wait now (each gives up as if the budget ran out)."""
        self._stopping.set()

    async def send(
        self,
        rasa: RasaClient,
        sender_id: str,
        message: str,
        metadata: Mapping[str, object] | None,
        *,
        on_waiting: OnWaiting | None = None,
    ) -> list[BotMessage]:
        """Send a message to Rasa; while it provably does not arrive, wait and send it again.

        Raises the last RasaNotReached when the budget runs out, too many are waiting, or the bot
        stops; any other failure (RasaNoAnswer) is raised at once and never retried.
        """
        try:
            return self._got_through(await rasa.send(sender_id, message, metadata))
        except RasaNotReached as first:
            if self._waiting >= self._max_waiting or self.stopping:
                logger.warning("rasa not reached; not waiting (%d waiting)", self._waiting)
                raise
            last = first
        await self._tell_once(sender_id, on_waiting)
        self._waiting += 1
        try:
            started, failures = self.now(), 1
            while await self.pause(failures, started):
                try:
                    return self._got_through(await rasa.send(sender_id, message, metadata))
                except RasaNotReached as exc:
                    failures, last = failures + 1, exc
            logger.warning("rasa not reached after %d attempt(s); giving up", failures)
            raise last
        finally:
            self._waiting -= 1

    async def wait_until_healthy(self) -> bool:
        """Poll the health probes (Rasa, and the action server when configured) until all pass;
        False when the budget runs out or the bot stops."""
        started, failures = self.now(), 0
        while True:
            if self.stopping:
                return False
            if await self._all_healthy():
                return True
            failures += 1
            if not await self.pause(failures, started):
                return False

    async def _all_healthy(self) -> bool:
        for probe in self._probes:
            if not await probe():
                return False
        return True

    def now(self) -> float:
        """The clock the budget is measured on (pass its value to pause() as `started`)."""
        return self._clock()

    async def pause(self, failures: int, started: float) -> bool:
        """Wait the policy's delay after `failures` failures since `started`; False when it is
        time to give up (budget spent, or the bot is stopping)."""
        delay = self._policy.next_delay(failures, self._clock() - started, self._rng)
        if delay is None or self.stopping:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=delay)
        return not self.stopping

    async def _tell_once(self, sender_id: str, on_waiting: OnWaiting | None) -> None:
        if on_waiting is None or sender_id in self._told:
            return
        self._told.add(sender_id)
        try:
            await on_waiting()
        except Exception as exc:  # telling is a courtesy: the message still waits for Rasa
            logger.warning("could not tell a chat to wait (%s)", type(exc).__name__)

    def _got_through(self, replies: list[BotMessage]) -> list[BotMessage]:
        """Rasa took a message: the outage (if any) is over, chats may be told again next time."""
        if self._told:
            logger.info("rasa is back; %d chat(s) were told to wait", len(self._told))
            self._told.clear()
        return replies
