"""scripts/check_responses.py, run in Rasa's environment as `make validate` runs it: the domain's
responses fill without an interpolator ERROR, and the check does catch a payload Rasa would
log or misread, and a placeholder no slot fills in a response Rasa utters by itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"
SCRIPT = REPO / "scripts" / "check_responses.py"

BROKEN_DOMAIN = """\
version: "3.1"
intents:
  - request_human
entities:
  - agent_reason
slots:
  agent_reason:
    type: text
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: agent_reason
responses:
  utter_single_braces:
    - text: "Hola"
      buttons:
        - title: "Asesor"
          payload: '/request_human{"agent_reason": "locked"}'
  utter_doubled_braces:
    - text: "Hola {agent_reason} {minutes}"
      buttons:
        - title: "Asesor"
          payload: '/request_human{{"agent_reason": "locked"}}'
  utter_unknown_intent:
    - text: "Hola"
      buttons:
        - title: "Otro"
          payload: '/no_such_intent'
  utter_unknown_entity:
    - text: "Hola"
      buttons:
        - title: "Otro"
          payload: '/request_human{{"nobody": "x"}}'
  utter_spaced_placeholder:
    - text: "Hola {first name}"
  utter_rule_with_a_slot:
    - text: "Tu motivo: {agent_reason}"
"""

# Rasa utters these itself, with the slots alone: {minutes} cannot be filled.
RULES = """\
version: "3.1"
rules:
  - rule: a rule uttering responses
    steps:
      - intent: request_human
      - action: utter_doubled_braces
      - action: utter_rule_with_a_slot
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    assert RASA_PYTHON.exists(), "make install creates .venv-rasa (Rasa's environment)"
    return subprocess.run(
        [str(RASA_PYTHON), str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


def test_every_domain_response_fills_without_a_rasa_error() -> None:
    result = _run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "filled without an error" in result.stdout


def test_the_check_names_each_response_rasa_would_log_or_misread(tmp_path: Path) -> None:
    (tmp_path / "domain.yml").write_text(BROKEN_DOMAIN, encoding="utf-8")
    (tmp_path / "dialogues").mkdir()
    (tmp_path / "dialogues" / "rules.yml").write_text(RULES, encoding="utf-8")
    result = _run(str(tmp_path / "domain.yml"), "--dialogues", str(tmp_path / "dialogues"))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    named = {line.split("[", 1)[0] for line in lines if line.startswith("utter_")}
    assert named == {
        "utter_single_braces",
        "utter_unknown_intent",
        "utter_unknown_entity",
        "utter_spaced_placeholder",
        "utter_doubled_braces",
    }
    assert any("interpolator" in line for line in lines if line.startswith("utter_single"))
    doubled = [line for line in lines if line.startswith("utter_doubled_braces")]
    assert len(doubled) == 1 and "['minutes'] is not a slot" in doubled[0], doubled
