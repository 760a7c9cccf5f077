"""What the forms and rules of one checkout say differently from another's, ignoring layout.

Two trees (each with `domain/` and `dialogues/`) are compared as Rasa reads them: the merged
domain with every `not_intent` list taken as a set, and the rules as a multiset of
(condition, steps) with each `or` step expanded into its alternatives, ignoring rule names,
order, comments and the file a rule lives in. `python scripts/form_rules.py --diff main` prints
the difference between `main` and the working tree; an empty diff means the same behaviour.
"""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from formats.domain_files import load_domain

NOT_INTENT = "not_intent"


def _not_intent_sets(domain: dict[str, Any]) -> dict[str, list[str]]:
    """`slot#index (form)` -> sorted not_intent of every slot mapping that has one."""
    found: dict[str, list[str]] = {}
    for slot, definition in (domain.get("slots") or {}).items():
        for index, mapping in enumerate(definition.get("mappings") or []):
            if NOT_INTENT in mapping:
                forms = [c.get("active_loop") for c in mapping.get("conditions") or []]
                found[f"{slot}#{index} ({', '.join(map(str, forms)) or 'any form'})"] = sorted(
                    mapping[NOT_INTENT]
                )
    return found


def _without_not_intent(domain: dict[str, Any]) -> dict[str, Any]:
    """The domain without its not_intent lists (compared apart, as sets)."""
    copy: dict[str, Any] = json.loads(json.dumps(domain))
    for definition in (copy.get("slots") or {}).values():
        for mapping in definition.get("mappings") or []:
            mapping.pop(NOT_INTENT, None)
    return copy


def _expanded(steps: list[Any]) -> Iterator[list[Any]]:
    """Every sequence of steps an `or` step stands for."""
    choices = [step["or"] if isinstance(step, dict) and "or" in step else [step] for step in steps]
    for combination in itertools.product(*choices):
        yield list(combination)


def _rule_keys(dialogues: Path) -> Counter[str]:
    """Each rule (and story) of the folder as canonical JSON, `or` steps expanded."""
    keys: Counter[str] = Counter()
    for path in sorted(dialogues.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section in ("rules", "stories"):
            for item in data.get(section) or []:
                rest = {k: v for k, v in item.items() if k not in ("rule", "story", "steps")}
                for steps in _expanded(item.get("steps") or []):
                    keys[json.dumps({section: rest, "steps": steps}, sort_keys=True)] += 1
    return keys


def _describe(key: str) -> str:
    item = json.loads(key)
    section = "rules" if "rules" in item else "stories"
    loops = [c.get("active_loop") for c in item[section].get("condition") or []]
    steps = "; ".join(
        ", ".join(f"{k}: {json.dumps(v) if not isinstance(v, str) else v}" for k, v in s.items())
        for s in item["steps"]
    )
    return f"[{section[:-1]} in {', '.join(map(str, loops)) or 'no loop'}] {steps}"


def compare(old: Path, new: Path) -> list[str]:
    """The lines saying what `new` adds to or removes from `old` (empty: the same)."""
    lines: list[str] = []
    old_domain, new_domain = load_domain(old / "domain"), load_domain(new / "domain")
    old_lists, new_lists = _not_intent_sets(old_domain), _not_intent_sets(new_domain)
    for where in sorted(old_lists.keys() | new_lists.keys()):
        before, after = set(old_lists.get(where, [])), set(new_lists.get(where, []))
        if where not in new_lists or where not in old_lists:
            state = "new" if where not in old_lists else "gone"
            lines.append(f"not_intent {where}: mapping {state}")
        for intent in sorted(after - before):
            lines.append(f"not_intent {where}: + {intent}")
        for intent in sorted(before - after):
            lines.append(f"not_intent {where}: - {intent}")
    old_rest, new_rest = _without_not_intent(old_domain), _without_not_intent(new_domain)
    for section in sorted(old_rest.keys() | new_rest.keys()):
        if old_rest.get(section) != new_rest.get(section):
            lines.append(f"domain section {section!r} differs beyond not_intent")
    old_rules, new_rules = _rule_keys(old / "dialogues"), _rule_keys(new / "dialogues")
    for key in sorted((new_rules - old_rules).elements()):
        lines.append(f"rule + {_describe(key)}")
    for key in sorted((old_rules - new_rules).elements()):
        lines.append(f"rule - {_describe(key)}")
    return lines


def compare_with_ref(repo: Path, ref: str) -> list[str]:
    """`compare` between the git ref's domain/ and dialogues/ and the working tree's."""
    command = ["git", "-C", str(repo), "archive", "--format=tar", ref, "domain", "dialogues"]
    # The ref is the developer's own argument.
    archive = subprocess.run(  # noqa: S603
        command,
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(scratch, filter="data")
        return compare(Path(scratch), repo)
