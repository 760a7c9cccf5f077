"""scripts/check_going_on.py, which `make nlu-report` runs on the trained model: it fails a word
of cancelling that is not `cancel`, a word of going on parsed as `cancel`, a confidence too close
to the fallback threshold and a sentence marked ambiguous; it passes right parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_going_on import (
    CANCEL,
    CANCELLING,
    EXPECTED,
    GOING_ON,
    KEEP_GOING,
    MARGIN,
    fallback_threshold,
    problems,
)

REPO = Path(__file__).resolve().parents[2]
THRESHOLD = 0.6


def _parse(intent: str, confidence: float, *entities: str) -> dict[str, object]:
    return {
        "intent": {"name": intent, "confidence": confidence},
        "entities": [{"entity": name, "value": "x"} for name in entities],
    }


def _right_parses() -> dict[str, dict[str, object]]:
    return {text: _parse(intent, 0.95) for text, intent in EXPECTED.items()}


def test_the_brief_sentences_are_checked_both_ways() -> None:
    assert {"cancelar", "kancelar", "mejor no, cancela"} <= set(CANCELLING)
    assert {"continuar", "sigamos", "ok dale", "dale sigue"} <= set(GOING_ON)
    assert not set(CANCELLING) & set(GOING_ON)
    assert {EXPECTED[text] for text in CANCELLING} == {CANCEL}
    assert {EXPECTED[text] for text in GOING_ON} == {KEEP_GOING}


def test_right_parses_pass() -> None:
    assert problems(_right_parses(), EXPECTED, THRESHOLD) == []


def test_going_on_parsed_as_cancel_fails() -> None:
    parses = _right_parses() | {"continuar": _parse(CANCEL, 0.99)}
    assert problems(parses, EXPECTED, THRESHOLD) == [
        "'continuar': parsed as cancel (0.99), not keep_going"
    ]


def test_cancel_with_a_confidence_near_the_fallback_fails() -> None:
    just_under = THRESHOLD + MARGIN - 0.01
    parses = _right_parses() | {"kancelar": _parse(CANCEL, just_under)}
    assert problems(parses, EXPECTED, THRESHOLD) == [
        f"'kancelar': cancel at {just_under:.2f}, below {THRESHOLD + MARGIN:.2f}"
    ]


def test_a_sentence_marked_ambiguous_or_not_parsed_fails() -> None:
    parses = _right_parses() | {"sigamos": _parse(KEEP_GOING, 0.9, "ambiguous")}
    del parses["cancela"]
    assert problems(parses, EXPECTED, THRESHOLD) == [
        "'cancela': not parsed",
        "'sigamos': marked ambiguous",
    ]


def test_the_threshold_is_read_from_the_rasa_config(tmp_path: Path) -> None:
    assert 0.0 < fallback_threshold(REPO / "config.yml") < 1.0 - MARGIN
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: WhitespaceTokenizer\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no FallbackClassifier"):
        fallback_threshold(config)
