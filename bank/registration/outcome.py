"""What every registration call returns: a code, the journey's step, and non-secret data."""

from __future__ import annotations

from dataclasses import dataclass, field

from bank.registration.steps import Step

OutcomeData = dict[str, str | int | list[str]]


@dataclass(frozen=True)
class Outcome:
    """`code` from docs/registration.md, the `step` the journey is at now, and `data`."""

    code: str
    step: Step
    data: OutcomeData = field(default_factory=dict)
