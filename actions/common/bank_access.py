"""Access to the bank core from actions: built on first use, once per action-server process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from bank.bootstrap import Bank


@lru_cache(maxsize=1)
def current_bank() -> Bank:
    """Return the process's bank, wiring it from the environment the first time."""
    from bank.bootstrap import build_bank
    from bank.redaction import install_redaction

    # The action server has configured its log handlers by the time the first action runs.
    install_redaction()
    return build_bank()


P = ParamSpec("P")
T = TypeVar("T")


async def in_thread(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking bank call (database, argon2id) off the action server's event loop."""
    return await asyncio.to_thread(call, *args, **kwargs)
