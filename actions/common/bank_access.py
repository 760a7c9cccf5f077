"""Access to the bank core from actions: built on first use, once per action-server process."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bank.bootstrap import Bank


@lru_cache(maxsize=1)
def current_bank() -> Bank:
    """Return the process's bank, wiring it from the environment the first time."""
    from bank.bootstrap import build_bank

    return build_bank()
