"""The NLU training data (nlu/*.yml) against the domain: the model only learns a label well when
its examples are unambiguous, numerous and written the ways people really type (no accents, no
question marks). That no held-out sentence (tests/nlu/) is a training example is
tests/unit/test_heldout_is_held_out.py's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

from formats.domain_files import REPO, load_domain

NLU_DIR = REPO / "nlu"
FAQ_PREFIX = "faq/"
RESPONSE_PREFIX = "utter_"
MIN_TYPED_EXAMPLES = 20
MIN_FAQ_EXAMPLES = 30
MIN_FAQ_PLAIN_EXAMPLES = 10
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_PUNCTUATION = re.compile(r"[¿?¡!.,;:]")


def normalized(text: str) -> str:
    """Lower case, no accents, no entity annotations, no punctuation, single spaces."""
    text = _ANNOTATION.sub(r"\1", text.lower())
    text = "".join(
        char for char in unicodedata.normalize("NFD", text) if unicodedata.category(char) != "Mn"
    )
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def examples_by_label(directory: Path) -> dict[str, list[str]]:
    """Every example of every `intent:` block of `directory/*.yml`, by label."""
    labels: dict[str, list[str]] = defaultdict(list)
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block["examples"]).splitlines():
                text = line.strip().removeprefix("-").strip()
                if text:
                    labels[str(block["intent"])].append(text)
    return labels


def _payload_only(label: str, examples: list[str]) -> bool:
    """An intent only buttons or the channel send: its examples are just its payload."""
    return set(examples) <= {label, f"/{label}"}


def _typed_labels() -> dict[str, list[str]]:
    return {
        label: examples
        for label, examples in examples_by_label(NLU_DIR).items()
        if not _payload_only(label, examples)
    }


def test_normalizing_ignores_case_accents_punctuation_and_annotations() -> None:
    assert normalized("¿Cómo  ACTIVO el Token?") == "como activo el token"
    assert normalized("mi cédula es [1710034065](id_number)") == "mi cedula es 1710034065"


def test_no_example_is_given_two_labels() -> None:
    labels_of: dict[str, set[str]] = defaultdict(set)
    for label, examples in examples_by_label(NLU_DIR).items():
        for example in examples:
            labels_of[normalized(example)].add(label)
    assert not {text: labels for text, labels in labels_of.items() if len(labels) > 1}


def test_every_faq_topic_has_its_answer_and_enough_examples() -> None:
    topics = {
        label: examples
        for label, examples in examples_by_label(NLU_DIR).items()
        if label.startswith(FAQ_PREFIX)
    }
    answers = {
        name.removeprefix(RESPONSE_PREFIX)
        for name in load_domain()["responses"]
        if name.startswith(RESPONSE_PREFIX + FAQ_PREFIX)
    }
    assert set(topics) == answers
    few = {topic: len(examples) for topic, examples in topics.items()}
    assert not {topic: count for topic, count in few.items() if count < MIN_FAQ_EXAMPLES}


def test_every_faq_topic_is_also_asked_without_accents_or_question_marks() -> None:
    plain = re.compile(r"^[a-zñ0-9 ,.'/-]+$")
    counts = {
        label: sum(1 for text in examples if plain.match(text.lower()))
        for label, examples in examples_by_label(NLU_DIR).items()
        if label.startswith(FAQ_PREFIX)
    }
    assert not {topic: count for topic, count in counts.items() if count < MIN_FAQ_PLAIN_EXAMPLES}


def test_every_typed_intent_has_enough_examples() -> None:
    typed = _typed_labels()
    assert "out_of_scope" in typed
    assert not {
        label: len(examples)
        for label, examples in typed.items()
        if len(examples) < MIN_TYPED_EXAMPLES
    }
