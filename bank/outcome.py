"""What every journey and assisted-mode call of the bank returns: one `Outcome` type.

`code` is a member of the area's `StrEnum` (`RegistrationCode`, `MiniCode`, `AssistCode`): its
value is the string the contracts (docs/registration.md, docs/mini.md, docs/assist.md) name, so
slots, logs and audit rows read the same as plain strings would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

OutcomeData = dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """A `code`, the journey's `step` now (None for calls without a journey) and `data`.

    `data` never holds a secret; `secret` only ever holds a fresh activation code for the parent
    and is kept out of the repr, hence out of logs and tracebacks.
    """

    code: StrEnum
    step: str | None = None
    data: OutcomeData = field(default_factory=dict)
    secret: str | None = field(default=None, repr=False)
