"""Exponential backoff with jitter, bounded in attempts and in total time.

One policy type for every retry of the bot (a Telegram send, waiting for Rasa to come back); the
numbers of each use live in the bot's settings.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """When to try again after a failure, and when to give up.

    attempts: tries in all, the first included (1 means never retry).
    first_delay: the wait before the first retry, before jitter.
    max_delay: the cap on any single wait (the delay doubles up to it).
    total_seconds: no retry starts later than this after the first attempt began.

    Each wait is "equal jitter": half the exponential delay plus a random part of the other half,
    so waits are never shorter than half the nominal delay and callers do not retry in lockstep.
    """

    attempts: int
    first_delay: float
    max_delay: float
    total_seconds: float

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a backoff needs at least one attempt")
        if not 0 < self.first_delay <= self.max_delay:
            raise ValueError("delays must be positive and first_delay <= max_delay")
        if self.total_seconds <= 0:
            raise ValueError("total_seconds must be positive")

    def nominal_delay(self, retry: int) -> float:
        """The delay before retry number `retry` (1 = the first retry), before jitter."""
        doublings = max(retry - 1, 0)
        return float(min(self.max_delay, self.first_delay * 2.0**doublings))

    def next_delay(
        self, failures: int, elapsed: float, rng: Callable[[], float] = random.random
    ) -> float | None:
        """How long to wait after `failures` failed attempts, `elapsed` seconds after the first
        began; None when it is time to give up (attempts used up or no time left)."""
        if failures >= self.attempts:
            return None
        remaining = self.total_seconds - elapsed
        if remaining <= 0:
            return None
        nominal = self.nominal_delay(failures)
        delay = nominal / 2 + rng() * nominal / 2
        return min(delay, remaining)
