"""The journeys the funnel knows: their step order and which audit rows are locks or expired
codes (actions and reasons as the journeys write them; see docs/funnel.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from bank.mini import parent_steps, registration_steps
from bank.models import ACTIVE, CANCELLED, COMPLETED, ENDED
from bank.registration.steps import STEP_ORDER, TERMINAL_STEPS

# A journey's step once it is over is its status.
TERMINAL: Final = frozenset({COMPLETED, ENDED, CANCELLED})
STATUSES: Final = frozenset({ACTIVE, *TERMINAL})


@dataclass(frozen=True)
class JourneySpec:
    """One journey kind: its steps in order, and the audit rows the funnel counts.

    `lock_actions` maps an audit action to the `reason` values that make it a lock (empty: any
    row of that action is one).
    """

    kind: str
    steps: tuple[str, ...]
    lock_actions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    expired_actions: frozenset[str] = frozenset()

    @property
    def audit_actions(self) -> frozenset[str]:
        """Every audit action the funnel reads for this journey."""
        return frozenset(self.lock_actions) | self.expired_actions

    def is_lock(self, action: str, details: Mapping[str, Any]) -> bool:
        """Whether an audit row of this journey is a lock."""
        if action not in self.lock_actions:
            return False
        reasons = self.lock_actions[action]
        return not reasons or str(details.get("reason", "")) in reasons


REGISTRATION: Final = JourneySpec(
    kind="registration",
    steps=tuple(step.value for step in STEP_ORDER if step not in TERMINAL_STEPS),
    lock_actions={
        # The identity locked (wrong PIN) or held: the journey ends.
        "registration.ended": frozenset({"locked", "locked_held"}),
        # Five wrong SMS codes: no code is accepted for a while; the journey stays at `otp`.
        "otp.locked": frozenset(),
    },
    expired_actions=frozenset({"otp.expired"}),
)

MINI_REGISTRATION: Final = JourneySpec(
    kind=registration_steps.KIND,
    steps=tuple(step.value for step in registration_steps.STEP_ORDER),
    lock_actions={
        # Five wrong activation codes end the journey.
        "mini_registration.ended": frozenset({"code_attempts_exhausted"}),
        # Too many cédulas or code requests: a wait (the cédula step ends the journey).
        "mini_registration.rate_limited": frozenset(),
    },
    expired_actions=frozenset({"mini_registration.code_expired"}),
)

MINI_PARENT: Final = JourneySpec(
    kind=parent_steps.KIND,
    steps=tuple(step.value for step in parent_steps.Step),
    lock_actions={"mini_parent.ended": frozenset({"locked", "held"})},
)

JOURNEYS: Final[Mapping[str, JourneySpec]] = {
    spec.kind: spec for spec in (REGISTRATION, MINI_REGISTRATION, MINI_PARENT)
}


def journey_spec(kind: str) -> JourneySpec:
    """The spec of a journey kind (ValueError for a kind the funnel does not know)."""
    try:
        return JOURNEYS[kind]
    except KeyError:
        raise ValueError(f"unknown journey {kind!r}; known: {', '.join(JOURNEYS)}") from None
