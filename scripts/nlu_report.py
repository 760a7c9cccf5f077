"""Print the held-out NLU figures from `rasa test nlu` results and fail below the targets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

INTENT_F1_TARGET = 0.95


def main(results_dir: str) -> int:
    """Print intent F1 (weighted) and FAQ selection accuracy; exit 1 below the target."""
    results = Path(results_dir)
    intents = json.loads((results / "intent_report.json").read_text())
    weighted = intents["weighted avg"]
    print(
        f"NLU held-out: intent F1 (weighted) {weighted['f1-score']:.3f}, "
        f"precision {weighted['precision']:.3f}, recall {weighted['recall']:.3f}, "
        f"accuracy {intents.get('accuracy', 0.0):.3f}, {int(weighted['support'])} examples"
    )
    worst = sorted(
        (name, report["f1-score"], int(report["support"]))
        for name, report in intents.items()
        if isinstance(report, dict)
        and "f1-score" in report
        and name not in {"weighted avg", "macro avg", "micro avg"}
    )
    for name, f1, support in sorted(worst, key=lambda row: row[1])[:5]:
        print(f"  lowest: {name:<28} F1 {f1:.3f} ({support} examples)")
    selection_file = results / "response_selection_report.json"
    if selection_file.exists():
        selection = json.loads(selection_file.read_text())
        print(
            f"FAQ response selection: accuracy {selection.get('accuracy', 0.0):.3f}, "
            f"F1 (weighted) {selection['weighted avg']['f1-score']:.3f}"
        )
    if weighted["f1-score"] < INTENT_F1_TARGET:
        print(f"Intent F1 below the target {INTENT_F1_TARGET}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/results/nlu"))
