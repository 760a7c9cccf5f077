"""What every assisted-mode call returns: a code and non-secret data (docs/assist.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OutcomeData = dict[str, Any]


@dataclass(frozen=True)
class AssistOutcome:
    """`code` from docs/assist.md and `data`: strings, numbers, booleans, lists and dicts only.

    `data` never holds a secret, a customer's unmasked identity number or a message's text.
    """

    code: str
    data: OutcomeData = field(default_factory=dict)


NOT_AGENT = AssistOutcome("not_agent")
