"""Print the held-out NLU figures from `rasa test nlu` results and fail below the targets.

Intent F1 (weighted) and intent accuracy are over every held-out example. The FAQ figure is
strict: a question counts as answered only when the intent predicted is `faq` AND the
ResponseSelector picked its own `faq/<topic>`. Rasa's results name only the misses
(`intent_errors.json`, `response_selection_errors.json`), so the examples and their labels are
read from the held-out files themselves; that is also how the figures of each held-out file are
printed beside the overall ones.

What fails the report: intent F1 below INTENT_F1_TARGET, intent accuracy below
INTENT_ACCURACY_TARGET or strict FAQ accuracy below FAQ_ACCURACY_TARGET (issue 15: 0.95 each),
overall or in one of TARGET_FILES (the set written blind from the seeds and the glossary), and
fewer than FAQ_MIN_QUESTIONS held-out FAQ questions.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

INTENT_F1_TARGET = 0.95
INTENT_ACCURACY_TARGET = 0.95
FAQ_ACCURACY_TARGET = 0.95
# Held-out files whose own figures must meet the targets too, not only the overall ones.
TARGET_FILES = ("heldout_seeds.yml",)
FAQ_MIN_QUESTIONS = 150
FAQ_PREFIX = "faq/"

# `[text](entity)` or `[text]{"entity": ...}` in an example: Rasa evaluates the bare text.
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def _load_json(path: Path) -> Any:
    """The parsed JSON file, or an empty list when Rasa did not write it (no error of that kind)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _example_texts(examples: Any) -> list[str]:
    """The texts of one `examples:` entry (a `- ` list in a string, or a list of `text:` maps)."""
    if isinstance(examples, list):
        lines = [
            str(item.get("text", "")) if isinstance(item, dict) else str(item) for item in examples
        ]
    else:
        lines = [line.strip().removeprefix("-") for line in str(examples or "").splitlines()]
    texts = (_ANNOTATION.sub(r"\1", line).strip() for line in lines)
    return [text for text in texts if text]


def labelled_examples(file: Path) -> list[tuple[str, str]]:
    """Every `(text, label)` of a Rasa NLU file; the label is the block's intent (`faq/<topic>`)."""
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return [
        (text, str(block["intent"]))
        for block in data.get("nlu") or []
        if isinstance(block, dict) and block.get("intent")
        for text in _example_texts(block.get("examples"))
    ]


def heldout_files(data_dir: Path) -> list[Path]:
    """The held-out files `rasa test nlu --nlu data_dir` reads, in name order."""
    return sorted(data_dir.glob("*.yml"))


def intent_of(label: str) -> str:
    """The intent a label is classified as: `faq/<topic>` is the retrieval intent `faq`."""
    return label.split("/", 1)[0]


def faq_questions(data_dir: Path) -> dict[str, str]:
    """Every held-out FAQ question of `data_dir/*.yml`, mapped to its `faq/<topic>`."""
    return {
        text: label
        for file in heldout_files(data_dir)
        for text, label in labelled_examples(file)
        if label.startswith(FAQ_PREFIX)
    }


def intent_misses(results: Path) -> dict[tuple[str, str], str]:
    """The examples whose intent was missed, `(text, true intent)` -> the intent predicted."""
    return {
        (str(error["text"]), str(error["intent"])): str(error["intent_prediction"]["name"])
        for error in _load_json(results / "intent_errors.json")
    }


def faq_misses(results: Path, questions: dict[str, str]) -> dict[str, str]:
    """The FAQ questions answered wrongly, mapped to what was predicted instead.

    The intent's miss wins (the selector's answer is never shown when the intent is not `faq`).
    """
    misses: dict[str, str] = {}
    for error in _load_json(results / "response_selection_errors.json"):
        if error["text"] in questions:
            misses[error["text"]] = str(error["intent_response_key_prediction"]["name"])
    for error in _load_json(results / "intent_errors.json"):
        if error["text"] in questions:
            misses[error["text"]] = str(error["intent_prediction"]["name"])
    return misses


@dataclass(frozen=True)
class FileFigures:
    """One held-out file's figures: intent accuracy over all its examples, strict FAQ accuracy."""

    name: str
    examples: int
    intent_right: int
    questions: int
    faq_right: int

    @property
    def intent_accuracy(self) -> float:
        return self.intent_right / self.examples if self.examples else 0.0

    @property
    def faq_accuracy(self) -> float:
        return self.faq_right / self.questions if self.questions else 0.0


def file_figures(
    name: str,
    examples: Iterable[tuple[str, str]],
    missed_intents: dict[tuple[str, str], str],
    missed_faq: dict[str, str],
) -> FileFigures:
    """Count one file's examples and questions against the misses of the whole run."""
    unique = set(examples)  # Rasa drops an example repeated with the same label
    questions = {text for text, label in unique if label.startswith(FAQ_PREFIX)}
    return FileFigures(
        name=name,
        examples=len(unique),
        intent_right=sum((text, intent_of(label)) not in missed_intents for text, label in unique),
        questions=len(questions),
        faq_right=sum(text not in missed_faq for text in questions),
    )


def report_files(results: Path, data_dir: Path) -> list[FileFigures]:
    """Print intent accuracy and strict FAQ accuracy for each held-out file; return them."""
    missed_intents = intent_misses(results)
    missed_faq = faq_misses(results, faq_questions(data_dir))
    figures = [
        file_figures(file.name, labelled_examples(file), missed_intents, missed_faq)
        for file in heldout_files(data_dir)
    ]
    for row in figures:
        faq = (
            f"FAQ strict accuracy {row.faq_accuracy:.3f} ({row.faq_right}/{row.questions})"
            if row.questions
            else "no FAQ questions"
        )
        print(
            f"  file {row.name}: intent accuracy {row.intent_accuracy:.3f} "
            f"({row.intent_right}/{row.examples}), {faq}"
        )
    return figures


def report_intents(results: Path) -> tuple[float, float]:
    """Print the weighted intent F1, the accuracy and the five lowest intents; return both."""
    intents = json.loads((results / "intent_report.json").read_text(encoding="utf-8"))
    weighted = intents["weighted avg"]
    accuracy = float(intents.get("accuracy", intents.get("micro avg", {}).get("f1-score", 0.0)))
    print(
        f"NLU held-out: intent F1 (weighted) {weighted['f1-score']:.3f} "
        f"(target {INTENT_F1_TARGET:.2f}), accuracy {accuracy:.3f} "
        f"(target {INTENT_ACCURACY_TARGET:.2f}), "
        f"precision {weighted['precision']:.3f}, recall {weighted['recall']:.3f}, "
        f"{int(weighted['support'])} examples"
    )
    rows = [
        (name, float(report["f1-score"]), int(report["support"]))
        for name, report in intents.items()
        if isinstance(report, dict)
        and "f1-score" in report
        and name not in {"weighted avg", "macro avg", "micro avg"}
    ]
    for name, f1, support in sorted(rows, key=lambda row: (row[1], row[0]))[:5]:
        print(f"  lowest: {name:<28} F1 {f1:.3f} ({support} examples)")
    return float(weighted["f1-score"]), accuracy


def report_faq(results: Path, data_dir: Path) -> tuple[int, float]:
    """Print the strict FAQ accuracy and the five worst topics; return (questions, accuracy)."""
    questions = faq_questions(data_dir)
    misses = faq_misses(results, questions)
    total = len(questions)
    accuracy = (total - len(misses)) / total if total else 0.0
    print(
        f"FAQ held-out: {total} questions, strict accuracy {accuracy:.3f} "
        f"(target {FAQ_ACCURACY_TARGET:.2f}, at least {FAQ_MIN_QUESTIONS} questions)"
    )
    per_topic = Counter(questions.values())
    confused: dict[str, Counter[str]] = {}
    for text, predicted in misses.items():
        confused.setdefault(questions[text], Counter())[predicted] += 1
    worst = sorted(confused, key=lambda topic: (-confused[topic].total(), topic))[:5]
    for topic in worst:
        wrong = confused[topic]
        right = per_topic[topic] - wrong.total()
        instead = ", ".join(f"{name} ({count})" for name, count in wrong.most_common())
        print(f"  worst: {topic:<36} {right}/{per_topic[topic]} right; got {instead}")
    return total, accuracy


def file_failures(figures: Iterable[FileFigures]) -> list[str]:
    """Why the files of TARGET_FILES miss a target (their own figures, not the overall ones)."""
    failures = []
    for row in figures:
        if row.name not in TARGET_FILES:
            continue
        if row.intent_accuracy < INTENT_ACCURACY_TARGET:
            failures.append(
                f"{row.name}: intent accuracy {row.intent_accuracy:.3f} "
                f"below the target {INTENT_ACCURACY_TARGET}"
            )
        if row.questions and row.faq_accuracy < FAQ_ACCURACY_TARGET:
            failures.append(
                f"{row.name}: strict FAQ accuracy {row.faq_accuracy:.3f} "
                f"below the target {FAQ_ACCURACY_TARGET}"
            )
    return failures


def main(results_dir: str, data_dir: str = "tests/nlu") -> int:
    """Print the figures; exit 1 below a target or with too few held-out FAQ questions."""
    results = Path(results_dir)
    f1, intent_accuracy = report_intents(results)
    selection_file = results / "response_selection_report.json"
    if selection_file.exists():
        selection = json.loads(selection_file.read_text(encoding="utf-8"))
        print(
            f"FAQ response selection alone: accuracy {selection.get('accuracy', 0.0):.3f}, "
            f"F1 (weighted) {selection['weighted avg']['f1-score']:.3f}"
        )
    total, accuracy = report_faq(results, Path(data_dir))
    print("Each held-out file:")
    figures = report_files(results, Path(data_dir))
    failures = []
    if f1 < INTENT_F1_TARGET:
        failures.append(f"Intent F1 below the target {INTENT_F1_TARGET}")
    if intent_accuracy < INTENT_ACCURACY_TARGET:
        failures.append(f"Intent accuracy below the target {INTENT_ACCURACY_TARGET}")
    if total < FAQ_MIN_QUESTIONS:
        failures.append(f"Only {total} held-out FAQ questions (at least {FAQ_MIN_QUESTIONS})")
    if accuracy < FAQ_ACCURACY_TARGET:
        failures.append(f"Strict FAQ accuracy below the target {FAQ_ACCURACY_TARGET}")
    failures += file_failures(figures)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]) if len(sys.argv) > 1 else main("var/results/nlu"))
