"""The words of the form spec: an answer, an interruption, a free-text slot, a form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Not an intent of the training data but the FallbackClassifier's verdict on a message it is
# unsure of: a free-text slot still takes such a message as the user's answer (the bank judges
# it), so it is never in a `not_intent` list; where nothing fills the slot a rule answers it.
LOW_CONFIDENCE = "nlu_fallback"


@dataclass(frozen=True)
class Action:
    """An action (or response) the answer runs."""

    name: str


@dataclass(frozen=True)
class SlotWasSet:
    """A slot the previous action sets, as the rule must state it."""

    slot: str
    value: str | bool | None


Step = Action | SlotWasSet


@dataclass(frozen=True)
class Resume:
    """After the answer the form asks its current step again."""


@dataclass(frozen=True)
class End:
    """The answer ends the form."""


@dataclass(frozen=True)
class OpenForm:
    """The answer ends the form and opens another one."""

    form: str


@dataclass(frozen=True)
class EndOrResume:
    """The action decides: it ends the form at once, or keeps it and the form asks its current
    slot (a bank journey's cancel, which asks first past the first step). One rule each."""


Then = Resume | End | OpenForm | EndOrResume


@dataclass(frozen=True)
class Answer:
    """What the assistant does on an interruption, then what becomes of the form."""

    steps: tuple[Step, ...]
    then: Then = Resume()


def say(*actions: str, then: Then = Resume()) -> Answer:
    """An answer made of actions only."""
    return Answer(tuple(Action(name) for name in actions), then)


@dataclass(frozen=True)
class Interruption:
    """Intents a form answers while it waits for a step; one rule per form and interruption.

    With `entity`, the rule also names that entity: it answers those intents differently when
    the message carries it (RulePolicy prefers the rule with more features). Such a refinement
    adds no intent to what the form answers: each of its intents is answered by a plain
    interruption too, so the form already rejects the message.
    """

    label: str
    intents: tuple[str, ...]
    answer: Answer
    entity: str | None = None


@dataclass(frozen=True)
class TakenAsText:
    """A named exception: interruption intents a free-text slot takes as its answer instead.

    Every intent a form answers as an interruption is in the `not_intent` list of its free-text
    slots, except the intents of the slot's exception (and `nlu_fallback`).
    """

    name: str
    intents: frozenset[str]

    def __or__(self, other: TakenAsText) -> TakenAsText:
        return TakenAsText(f"{self.name} + {other.name}", self.intents | other.intents)


@dataclass(frozen=True)
class Form:
    """One form: its slots in order, its free-text slots and the interruptions it answers."""

    name: str
    required_slots: tuple[str, ...]
    text_slots: Mapping[str, TakenAsText]
    interruptions: tuple[Interruption, ...]
    comment: str = field(default="")

    def answered_intents(self) -> list[str]:
        """Every intent the form answers, in the spec's order (refinements by an entity add
        none)."""
        return [
            intent for item in self.interruptions if item.entity is None for intent in item.intents
        ]

    def not_intent(self, slot: str) -> list[str]:
        """The `not_intent` list of one free-text slot of the form."""
        taken = self.text_slots[slot].intents | {LOW_CONFIDENCE}
        return [intent for intent in self.answered_intents() if intent not in taken]
