"""Print the held-out NLU figures from `rasa test nlu` results and fail below the targets.

Intent F1 (weighted) is over every held-out example. The FAQ figure is strict: a question counts
as answered only when the intent predicted is `faq` AND the ResponseSelector picked its own
`faq/<topic>`. Rasa's results name only the misses (`intent_errors.json`,
`response_selection_errors.json`), so the questions and their topics are read from the held-out
files themselves.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

INTENT_F1_TARGET = 0.95
FAQ_ACCURACY_TARGET = 0.90
FAQ_MIN_QUESTIONS = 150
FAQ_PREFIX = "faq/"


def _load_json(path: Path) -> Any:
    """The parsed JSON file, or an empty list when Rasa did not write it (no error of that kind)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def faq_questions(data_dir: Path) -> dict[str, str]:
    """Every held-out FAQ question of `data_dir/*.yml`, mapped to its `faq/<topic>`."""
    questions: dict[str, str] = {}
    for file in sorted(data_dir.glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            topic = str(block.get("intent", ""))
            if not topic.startswith(FAQ_PREFIX):
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip().removeprefix("-").strip()
                if text:
                    questions[text] = topic
    return questions


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


def report_intents(results: Path) -> float:
    """Print the weighted intent F1 and the five lowest intents; return the F1."""
    intents = json.loads((results / "intent_report.json").read_text(encoding="utf-8"))
    weighted = intents["weighted avg"]
    print(
        f"NLU held-out: intent F1 (weighted) {weighted['f1-score']:.3f}, "
        f"precision {weighted['precision']:.3f}, recall {weighted['recall']:.3f}, "
        f"accuracy {intents.get('accuracy', 0.0):.3f}, {int(weighted['support'])} examples"
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
    return float(weighted["f1-score"])


def report_faq(results: Path, data_dir: Path) -> tuple[int, float]:
    """Print the strict FAQ accuracy and the five worst topics; return (questions, accuracy)."""
    questions = faq_questions(data_dir)
    misses = faq_misses(results, questions)
    total = len(questions)
    accuracy = (total - len(misses)) / total if total else 0.0
    print(
        f"FAQ held-out: {total} questions, strict accuracy {accuracy:.2f} "
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


def main(results_dir: str, data_dir: str = "tests/nlu") -> int:
    """Print the figures; exit 1 below a target or with too few held-out FAQ questions."""
    results = Path(results_dir)
    f1 = report_intents(results)
    selection_file = results / "response_selection_report.json"
    if selection_file.exists():
        selection = json.loads(selection_file.read_text(encoding="utf-8"))
        print(
            f"FAQ response selection alone: accuracy {selection.get('accuracy', 0.0):.3f}, "
            f"F1 (weighted) {selection['weighted avg']['f1-score']:.3f}"
        )
    total, accuracy = report_faq(results, Path(data_dir))
    failures = []
    if f1 < INTENT_F1_TARGET:
        failures.append(f"Intent F1 below the target {INTENT_F1_TARGET}")
    if total < FAQ_MIN_QUESTIONS:
        failures.append(f"Only {total} held-out FAQ questions (at least {FAQ_MIN_QUESTIONS})")
    if accuracy < FAQ_ACCURACY_TARGET:
        failures.append(f"Strict FAQ accuracy below the target {FAQ_ACCURACY_TARGET}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]) if len(sys.argv) > 1 else main("var/results/nlu"))
