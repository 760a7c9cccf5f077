"""Injected failures: the page asks that the next calls of a Bot API method fail."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.playground.errors import JSON, BotApiError


@dataclass
class Fault:
    """An injected failure for the next `count` calls of one method."""

    method: str
    count: int
    error: BotApiError


@dataclass
class FaultBook:
    """The faults still to fire, by method name in lower case (Telegram ignores its case)."""

    _faults: dict[str, Fault] = field(default_factory=dict)

    def inject(self, method: str, count: int, error: BotApiError) -> None:
        """Fail the next `count` calls of `method` (any spelling case) with `error`."""
        self._faults[method.lower()] = Fault(method, count, error)

    def clear(self) -> None:
        """Forget every injected fault."""
        self._faults.clear()

    def pending(self) -> list[JSON]:
        """The faults still to fire."""
        return [
            {"method": fault.method, "count": fault.count, **fault.error.as_json()}
            for fault in self._faults.values()
        ]

    def take(self, method: str) -> BotApiError | None:
        """The error this call must fail with, if a fault is pending for its method."""
        fault = self._faults.get(method.lower())
        if fault is None:
            return None
        fault.count -= 1
        if fault.count <= 0:
            del self._faults[method.lower()]
        return fault.error
