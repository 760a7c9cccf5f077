"""The held-out NLU sets (tests/nlu/) are held out: no sentence of theirs is a training example
of nlu/, compared lower-cased, without accents and without punctuation. The set written blind
from the seeds (issue 15) is big and varied enough and uses only labels the domain has, and the
NLU report prints its figures file by file."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from formats.domain_files import REPO, load_domain
from scripts.nlu_report import (
    FAQ_ACCURACY_TARGET,
    heldout_files,
    labelled_examples,
    main,
)

HELDOUT_DIR = REPO / "tests" / "nlu"
TRAINING_DIR = REPO / "nlu"
SEEDS_SET = HELDOUT_DIR / "heldout_seeds.yml"

# Held-out sentences that are also training examples, counted per file so that no new one slips
# in; the test fails while a count is not exact. None today: the 3 that this test found in the
# older heldout.yml when it was written were removed from nlu/ (issue 15).
KNOWN_LEAKS: dict[str, int] = {}


def normalized(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: "¿Cómo?" == "como"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]|_", " ", bare).split())


def _training_sentences() -> set[str]:
    return {
        normalized(text)
        for file in sorted(TRAINING_DIR.glob("*.yml"))
        for text, _label in labelled_examples(file)
    }


def test_normalized_ignores_case_accents_and_punctuation() -> None:
    assert normalized("¿Cómo ACTIVO el  Token-digital?") == "como activo el token digital"
    assert normalized("mi guagua, ñaño!!") == "mi guagua nano"


@pytest.mark.parametrize("file", heldout_files(HELDOUT_DIR), ids=lambda file: file.name)
def test_no_heldout_sentence_is_a_training_example(file: Path) -> None:
    training = _training_sentences()
    assert training, "no training examples read from nlu/"
    leaked = sorted({text for text, _ in labelled_examples(file) if normalized(text) in training})
    known = KNOWN_LEAKS.get(file.name, 0)
    assert len(leaked) <= known, (
        f"{file.name}: {len(leaked)} held-out sentences are in nlu/: {leaked}"
    )
    assert len(leaked) == known, f"{file.name}: fewer leaks than KNOWN_LEAKS says: lower it"


def test_seeds_set_is_big_varied_and_labelled_with_what_exists() -> None:
    examples = labelled_examples(SEEDS_SET)
    domain = load_domain()
    topics = {
        name.removeprefix("utter_") for name in domain["responses"] if name.startswith("utter_faq/")
    }
    intents = set(domain["intents"]) - {"faq"}
    labels = Counter(label for _, label in examples)

    assert len(examples) >= 320
    assert not set(labels) - topics - intents, "a label the domain does not have"
    assert all(labels[topic] >= 3 for topic in topics), "an FAQ topic asked fewer than 3 times"
    assert 0.5 <= sum(labels[topic] for topic in topics) / len(examples) <= 0.7
    repeated = [
        text for text, count in Counter(normalized(t) for t, _ in examples).items() if count > 1
    ]
    assert not repeated, f"sentences repeated in the set: {repeated}"


def _write_results(
    results: Path, intent_errors: list[dict[str, object]], selection_errors: list[dict[str, object]]
) -> None:
    results.mkdir()
    report = {
        "faq": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 3},
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 2},
        "accuracy": 0.8,
        "weighted avg": {"precision": 1.0, "recall": 1.0, "f1-score": 0.96, "support": 5},
    }
    (results / "intent_report.json").write_text(json.dumps(report), encoding="utf-8")
    (results / "intent_errors.json").write_text(json.dumps(intent_errors), encoding="utf-8")
    (results / "response_selection_errors.json").write_text(
        json.dumps(selection_errors), encoding="utf-8"
    )


def _write_heldout(data: Path) -> None:
    data.mkdir()
    (data / "a.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: faq/call_center\n    examples: |\n'
        "      - numero del call center\n      - telefono del banco\n"
        "  - intent: greet\n    examples: |\n      - hola\n",
        encoding="utf-8",
    )
    (data / "b.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: faq/mini_cost\n    examples: |\n'
        "      - cuanto cuesta la cuenta mini\n  - intent: greet\n    examples: |\n"
        "      - buenas [tardes](time)\n",
        encoding="utf-8",
    )


def test_report_prints_each_file_and_fails_below_the_faq_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_heldout(tmp_path / "data")
    _write_results(
        tmp_path / "results",
        intent_errors=[
            {"text": "buenas tardes", "intent": "greet", "intent_prediction": {"name": "faq"}},
        ],
        selection_errors=[
            {
                "text": "telefono del banco",
                "intent_response_key_prediction": {"name": "faq/pin_where"},
            },
        ],
    )

    code = main(str(tmp_path / "results"), str(tmp_path / "data"))

    out = capsys.readouterr().out
    assert FAQ_ACCURACY_TARGET == 0.95
    assert code == 1  # 2 of 3 questions right: below 0.95 (and fewer than the minimum questions)
    assert "accuracy 0.800" in out
    assert "file a.yml: intent accuracy 1.000 (3/3), FAQ strict accuracy 0.500 (1/2)" in out
    assert "file b.yml: intent accuracy 0.500 (1/2), FAQ strict accuracy 1.000 (1/1)" in out
    assert "worst: faq/call_center" in out


def test_labelled_examples_keep_the_faq_topic_and_drop_entity_markup(tmp_path: Path) -> None:
    _write_heldout(tmp_path / "data")
    assert labelled_examples(tmp_path / "data" / "b.yml") == [
        ("cuanto cuesta la cuenta mini", "faq/mini_cost"),
        ("buenas tardes", "greet"),
    ]


def test_faq_accuracy_under_the_target_fails_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    questions = [f"pregunta numero {index}" for index in range(200)]
    (data / "many.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: faq/call_center\n    examples: |\n'
        + "".join(f"      - {text}\n" for text in questions),
        encoding="utf-8",
    )
    missed = [
        {"text": text, "intent_response_key_prediction": {"name": "faq/pin_where"}}
        for text in questions[:25]
    ]
    _write_results(tmp_path / "results", intent_errors=[], selection_errors=missed)

    assert main(str(tmp_path / "results"), str(data)) == 1  # 175/200 = 0.875
    assert "Strict FAQ accuracy below the target 0.95" in capsys.readouterr().err
