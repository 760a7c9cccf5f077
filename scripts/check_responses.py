"""Fill every domain response the way the Rasa server does, and fail on what Rasa would log.

Run in Rasa's environment (`make validate`):

    .venv-rasa/bin/python scripts/check_responses.py [DOMAIN] [--dialogues DIALOGUES_DIR]

Each variation of each response goes through Rasa's own `TemplatedNaturalLanguageGenerator`,
filled with every slot (empty, as in a new conversation) and a value for every `{name}`
placeholder, as the actions pass them. Rasa's interpolator logs an ERROR whenever a pair of braces
is not a placeholder it can fill: a button payload's entities written `/intent{"key": "value"}`.
Such payloads are written with doubled braces, `/intent{{"key": "value"}}`, which the interpolator
turns back into single ones. Then every filled button payload that starts with "/" must parse, as
Rasa parses a tapped button, into a domain intent and domain entities.

The responses Rasa utters by itself (an `action: utter_...` step of a rule or story in
DIALOGUES_DIR, a form's `utter_ask_<slot>`) are filled with the slots alone: each of their
placeholders must be a slot. The others are sent by actions, which pass their values.

Exit status 1 with one line per problem, 0 otherwise.
"""

from __future__ import annotations

import argparse
import copy
import logging
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from structlog.testing import capture_logs

REPO = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")
INTENT_PREFIX = "/"
UTTER_STEP = re.compile(r"^\s*-?\s*action:\s*(utter_\w+)\s*$", re.MULTILINE)
PLACEHOLDER_VALUE = "x"


class _Collect(logging.Handler):
    """Keeps the records of ERROR and above that Rasa's standard loggers emit."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a response variation (text, buttons, custom payloads...)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _placeholder_values(variation: dict[str, Any], slots: set[str]) -> dict[str, str]:
    """A value for each `{name}` the variation uses that is not a slot (the actions pass them)."""
    names = {name for text in _strings(variation) for name in PLACEHOLDER.findall(text)}
    return {name: PLACEHOLDER_VALUE for name in sorted(names - slots)}


def _payload_problems(payload: str, domain: Domain) -> list[str]:
    """Why Rasa would not read `payload` as a domain intent with domain entities."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        message = YAMLStoryReader.unpack_regex_message(Message({"text": payload}), domain)
    problems = [f"payload {payload!r}: {warning.message}" for warning in caught]
    intent = (message.get("intent") or {}).get("name")
    if intent is None and not problems:
        problems.append(f"payload {payload!r}: not read as an intent")
    for entity in message.get("entities") or []:
        if entity.get("entity") not in domain.entities:
            problems.append(f"payload {payload!r}: entity {entity.get('entity')!r} not in domain")
    return problems


def _buttons(filled: dict[str, Any]) -> list[dict[str, Any]]:
    buttons = filled.get("buttons") or []
    return [button for button in buttons if isinstance(button, dict)]


def _form_ask(domain: Domain, form: str, slot: str) -> str | None:
    """What Rasa's form runs to ask for `slot` (its search order), when it is a response."""
    known = set(domain.action_names_or_texts)
    for name in (f"action_ask_{form}_{slot}", f"utter_ask_{form}_{slot}"):
        if name in known:
            return name if name.startswith("utter_") else None
    for name in (f"action_ask_{slot}", f"utter_ask_{slot}"):
        if name in known:
            return name if name.startswith("utter_") else None
    return None


def uttered_by_rasa(domain: Domain, dialogues: Path | None) -> set[str]:
    """The responses Rasa utters with the slots alone: rule and story steps, forms' questions."""
    names: set[str] = set()
    if dialogues is not None:
        for path in sorted(dialogues.glob("*.yml")):
            names |= set(UTTER_STEP.findall(path.read_text(encoding="utf-8")))
    for form, spec in domain.forms.items():
        for slot in spec.get("required_slots", []):
            asked = _form_ask(domain, form, slot)
            if asked is not None:
                names.add(asked)
    return names & set(domain.responses)


def _slot_only_problems(domain: Domain, dialogues: Path | None, slots: set[str]) -> list[str]:
    problems = []
    for name in sorted(uttered_by_rasa(domain, dialogues)):
        for index, variation in enumerate(domain.responses[name]):
            missing = sorted(set(_placeholder_values(variation, slots)))
            if missing:
                problems.append(
                    f"{name}[{index}]: uttered by Rasa itself, but {missing} is not a slot "
                    "(only an action can pass that value)"
                )
    return problems


def check(domain_path: Path, dialogues: Path | None = None) -> tuple[list[str], int]:
    """The problems of every response in `domain_path`, and how many variations were filled."""
    domain = Domain.load(str(domain_path))
    slots = {slot.name for slot in domain.slots}
    filled_slots: dict[str, Any] = {name: None for name in slots}
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    handler = _Collect()
    rasa_logger = logging.getLogger("rasa")
    rasa_logger.addHandler(handler)
    problems: list[str] = []
    variations = 0
    try:
        for name, responses in sorted(domain.responses.items()):
            for index, variation in enumerate(responses):
                variations += 1
                where = f"{name}[{index}]"
                values = _placeholder_values(variation, slots)
                handler.records.clear()
                with capture_logs() as events:
                    filled = nlg._fill_response(copy.deepcopy(variation), filled_slots, **values)
                problems += [
                    f"{where}: Rasa logs {event.get('log_level', '').upper()} "
                    f"{event.get('event')} ({event.get('placeholder_key', '')})"
                    for event in events
                    if event.get("log_level") in ("error", "critical", "exception")
                ]
                problems += [
                    f"{where}: Rasa logs {r.levelname} {r.getMessage()}" for r in handler.records
                ]
                for button in _buttons(filled):
                    payload = str(button.get("payload", ""))
                    if payload.startswith(INTENT_PREFIX):
                        problems += [
                            f"{where}: {problem}" for problem in _payload_problems(payload, domain)
                        ]
    finally:
        rasa_logger.removeHandler(handler)
    problems += _slot_only_problems(domain, dialogues, slots)
    return problems, variations


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("domain", nargs="?", type=Path, default=REPO / "domain")
    parser.add_argument("--dialogues", type=Path, default=REPO / "dialogues")
    args = parser.parse_args(argv[1:])
    problems, variations = check(args.domain, args.dialogues)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {variations} response variations of {args.domain}")
        return 1
    print(f"{variations} response variations of {args.domain} filled without an error")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
