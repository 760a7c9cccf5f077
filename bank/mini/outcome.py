"""What every Cuenta Mini journey call returns: a code, the step, data, and maybe a secret."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OutcomeData = dict[str, Any]


@dataclass(frozen=True)
class MiniOutcome:
    """`code` from docs/mini.md, the journey's `step` now (None without a journey), and `data`.

    `data` never holds a secret; `secret` only ever holds a fresh activation code for the parent
    and is kept out of the repr, hence out of logs and tracebacks.
    """

    code: str
    step: str | None
    data: OutcomeData = field(default_factory=dict)
    secret: str | None = field(default=None, repr=False)
