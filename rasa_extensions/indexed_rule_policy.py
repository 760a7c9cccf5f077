"""Rasa's RulePolicy with an index over its rules: the same predictions, found faster.

Profiling (docs/performance.md) showed Rasa's RulePolicy checking every learned rule against
every turn of the conversation at each prediction: 38 % of the Rasa server's time with our 215
rules, and more as a conversation grows. `RulePolicy._get_possible_keys` filters all rule keys
against the last state, then against each earlier state of the whole history, although

- a rule can only match if its last state's previous action and intent fit the current ones, and
- a rule of n states is applicable at every turn index >= n (`_is_rule_applicable` says so),
  so once every remaining rule is shorter than the turns already checked, nothing changes.

This policy keeps both facts: it starts from the rules whose last state can fit (an index by
previous action and intent; rules that do not fix one of them are always candidates) and stops
walking back through the history when no remaining rule is that long. Each candidate is still
checked with Rasa's own `_is_rule_applicable`, so the set of matching rules, hence the
prediction, is exactly RulePolicy's. With RULE_INDEX_SELF_CHECK=1 every lookup is also done
RulePolicy's way and a difference raises: `make stories` runs the test stories so.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

SELF_CHECK_VARIABLE = "RULE_INDEX_SELF_CHECK"

State = dict[str, dict[str, Any]]
BucketKey = tuple[str | None, str | None]


def _fixed(sub_state: dict[str, Any], key: str) -> str | None:
    """The value a rule state requires for `key`, or None when any value can match."""
    value = sub_state.get(key)
    if not value or value == SHOULD_NOT_BE_SET or not isinstance(value, str):
        return None
    return value


class RuleIndexMismatch(AssertionError):
    """The index found other rules than RulePolicy would have: a bug in this module."""


class _RuleIndex:
    """The rules of one lookup, by the previous action and intent their last state requires."""

    def __init__(self, lookup: dict[str, str]) -> None:
        self.lookup = lookup
        self.size = len(lookup)
        self.lengths: dict[str, int] = {}
        self.buckets: dict[BucketKey, set[str]] = {}
        for rule_key in lookup:
            states: list[State] = json.loads(rule_key)
            self.lengths[rule_key] = len(states)
            last = states[-1] if states else {}
            bucket = (
                _fixed(last.get(PREVIOUS_ACTION, {}), ACTION_NAME),
                _fixed(last.get(USER, {}), INTENT),
            )
            self.buckets.setdefault(bucket, set()).add(rule_key)

    def candidates(self, state: State) -> set[str]:
        """Every rule whose last state may match `state` (a superset of the matching ones)."""
        action = state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
        intent = state.get(USER, {}).get(INTENT)
        found: set[str] = set()
        for bucket in ((action, intent), (action, None), (None, intent), (None, None)):
            found |= self.buckets.get(bucket, set())
        return found

    def fits(self, lookup: dict[str, str]) -> bool:
        """Whether this index was built for `lookup` as it is now."""
        return lookup is self.lookup and len(lookup) == self.size


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class IndexedRulePolicy(RulePolicy):
    """RulePolicy that finds the applicable rules through an index (same predictions)."""

    @staticmethod
    @functools.cache
    def _rule_key_to_state(rule_key: str) -> list[State]:
        # RulePolicy caches 1,000 parsed keys; with more rules than that the cache thrashes and
        # every check parses JSON again. The keys are the model's rules: a bounded set.
        parsed: list[State] = json.loads(rule_key)
        return parsed

    def _index_for(self, lookup: dict[str, str]) -> _RuleIndex:
        indexes: dict[int, _RuleIndex] = self.__dict__.setdefault("_rule_indexes", {})
        index = indexes.get(id(lookup))
        if index is None or not index.fits(lookup):
            index = _RuleIndex(lookup)
            indexes[id(lookup)] = index
        return index

    def _get_possible_keys(self, lookup: dict[str, str], states: list[State]) -> set[str]:
        """The keys of `lookup` applicable to `states`: RulePolicy's answer, computed faster."""
        found = self._indexed_possible_keys(lookup, states)
        if os.environ.get(SELF_CHECK_VARIABLE) == "1":
            expected = super()._get_possible_keys(lookup, states)
            if found != expected:
                raise RuleIndexMismatch(
                    f"index found {len(found)} rules, RulePolicy {len(expected)}: "
                    f"missing {sorted(expected - found)[:3]}, extra {sorted(found - expected)[:3]}"
                )
        return found

    def _indexed_possible_keys(self, lookup: dict[str, str], states: list[State]) -> set[str]:
        if not states:
            return set(lookup.keys())
        index = self._index_for(lookup)
        possible = index.candidates(states[-1])
        for turn_index, state in enumerate(reversed(states)):
            possible = {key for key in possible if self._is_rule_applicable(key, turn_index, state)}
            # Rules of at most turn_index + 1 states are applicable at every older turn.
            if not possible or max(index.lengths[key] for key in possible) <= turn_index + 1:
                break
        return possible
