"""Words of cancelling parse as `cancel` and words of going on as `keep_going`, on a trained model.

Run in Rasa's environment (`make nlu-report` runs it after the held-out report):

    .venv-rasa/bin/python scripts/check_going_on.py MODEL [CONFIG]

Issue 15: at a journey's step "continuar" cancelled the registration and "sigamos" or "ok dale"
left it. Each sentence below is parsed by the model; a cancelling sentence must come out as
`cancel`, a going-on sentence as `keep_going` (never `cancel`), each with a confidence at least
MARGIN above the FallbackClassifier's threshold of CONFIG (so the fallback never swallows it)
and without the AmbiguityMarker's `ambiguous` entity (no "¿Te refieres a…?" instead).

Exit status 1 with one line per problem, 0 otherwise; every parse is printed.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
CANCEL = "cancel"
KEEP_GOING = "keep_going"
AMBIGUOUS = "ambiguous"
MARGIN = 0.2
FALLBACK = "FallbackClassifier"

# The brief's sentences (issue 15): plain, with "mejor no", and typed wrong.
CANCELLING = (
    "cancelar",
    "cancela",
    "ya no quiero seguir",
    "cancelar el registro",
    "mejor no, cancela",
    "cancelr",
    "kancelar",
)
GOING_ON = (
    "continuar",
    "sigamos",
    "ok dale",
    "seguir",
    "continua",
    "dale sigue",
)
EXPECTED: dict[str, str] = {
    **dict.fromkeys(CANCELLING, CANCEL),
    **dict.fromkeys(GOING_ON, KEEP_GOING),
}


def fallback_threshold(config: Path) -> float:
    """The FallbackClassifier's `threshold` in the Rasa config (Rasa's default 0.3 if unset)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    for component in data.get("pipeline") or []:
        if component.get("name") == FALLBACK:
            return float(component.get("threshold", 0.3))
    raise ValueError(f"no {FALLBACK} in {config}")


def problems(
    parses: Mapping[str, Mapping[str, Any]],
    expected: Mapping[str, str],
    threshold: float,
) -> list[str]:
    """One line per sentence whose parse is wrong: intent, confidence or an ambiguity mark."""
    found = []
    minimum = threshold + MARGIN
    for text, intent in expected.items():
        parse = parses.get(text)
        if parse is None:
            found.append(f"{text!r}: not parsed")
            continue
        name = str((parse.get("intent") or {}).get("name"))
        confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
        if name != intent:
            found.append(f"{text!r}: parsed as {name} ({confidence:.2f}), not {intent}")
        elif confidence < minimum:
            found.append(f"{text!r}: {intent} at {confidence:.2f}, below {minimum:.2f}")
        if any(entity.get("entity") == AMBIGUOUS for entity in parse.get("entities") or []):
            found.append(f"{text!r}: marked ambiguous")
    return found


async def _parse_all(model: Path, texts: list[str]) -> dict[str, dict[str, Any]]:
    """Each text parsed by the trained model, as the Rasa server would parse it."""
    sys.path.insert(0, str(REPO))  # the pipeline's own components (rasa_extensions/)
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not a debug line per parse
    agent = Agent.load(str(model))
    return {text: await agent.parse_message(text) for text in texts}


def main(model: str, config: str = str(REPO / "config.yml")) -> int:
    """Parse every sentence, print it, and exit 1 if any is misunderstood."""
    parses = asyncio.run(_parse_all(Path(model), list(EXPECTED)))
    for text, parse in parses.items():
        intent = parse.get("intent") or {}
        print(f"  {text!r}: {intent.get('name')} {float(intent.get('confidence') or 0.0):.3f}")
    found = problems(parses, EXPECTED, fallback_threshold(Path(config)))
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"Cancel / keep going: {len(EXPECTED)} sentences, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: check_going_on.py MODEL [CONFIG]")
    sys.exit(main(*sys.argv[1:3]))
