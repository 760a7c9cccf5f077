"""The forms, their interruption rules and not_intent lists are written from scripts/form_spec/:
the committed files are current, a stale one is caught, and the spec is consistent."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from formats.domain_files import REPO, load_domain
from scripts.form_spec.forms import FORMS
from scripts.form_spec.model import LOW_CONFIDENCE
from scripts.form_spec.render import (
    FORMS_FILE,
    RULES_FILE,
    SpecError,
    expected_files,
    stale_files,
    write_files,
)
from scripts.form_spec.semantic_diff import compare

SCRIPT = REPO / "scripts" / "form_rules.py"


def _copy_tree(to: Path) -> Path:
    for folder in ("domain", "dialogues"):
        shutil.copytree(REPO / folder, to / folder)
    return to


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_the_committed_files_are_current() -> None:
    result = _run("--check")
    assert result.returncode == 0, result.stderr


def test_a_stale_generated_file_fails_the_check(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    assert stale_files(root, FORMS) == []
    rules = root / RULES_FILE
    rules.write_text(rules.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    domain = root / "domain" / "registration.yml"
    text = domain.read_text(encoding="utf-8")
    domain.write_text(text.replace("not_intent: [faq, ", "not_intent: [", 1), encoding="utf-8")
    (root / FORMS_FILE).unlink()

    assert set(stale_files(root, FORMS)) == {RULES_FILE, FORMS_FILE, domain.relative_to(root)}
    result = _run("--check", "--root", str(root))
    assert result.returncode == 1
    assert f"{RULES_FILE} is stale: run `python scripts/form_rules.py`" in result.stderr

    write_files(root, FORMS)
    assert stale_files(root, FORMS) == []
    assert compare(REPO, root) == []


def test_a_not_intent_list_no_form_owns_is_refused(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    extra = "slots:\n  stray:\n    mappings:\n      - type: from_text\n        not_intent: [faq]\n"
    (root / "domain" / "stray.yml").write_text(extra, encoding="utf-8")
    with pytest.raises(SpecError, match="stray"):
        expected_files(root, FORMS)


def test_the_semantic_diff_names_an_added_intent_and_rule(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    domain = root / "domain" / "registration.yml"
    text = domain.read_text(encoding="utf-8")
    domain.write_text(text.replace("not_intent: [", "not_intent: [thank, ", 1), encoding="utf-8")
    rules = root / RULES_FILE
    extra = (
        "\n  - rule: x\n    condition:\n      - active_loop: parent_mission_form\n"
        "    steps:\n      - intent: nlu_fallback\n      - action: action_not_understood\n"
    )
    rules.write_text(rules.read_text(encoding="utf-8") + extra, encoding="utf-8")
    diff = compare(REPO, root)
    assert "not_intent id_number#1 (registration_form): + thank" in diff
    assert any(line.startswith("rule + [rule in parent_mission_form]") for line in diff)
    assert len(diff) == 2


def test_the_spec_names_the_domains_forms_slots_and_intents() -> None:
    domain = load_domain()
    assert {form.name for form in FORMS} == set(domain["forms"])
    intents = set(domain["intents"]) | {LOW_CONFIDENCE}
    for form in FORMS:
        answered = form.answered_intents()
        assert len(answered) == len(set(answered)), f"{form.name} answers an intent twice"
        assert set(answered) <= intents, form.name
        assert set(form.text_slots) <= set(form.required_slots), form.name
        for slot in form.text_slots:
            for mapping in domain["slots"][slot]["mappings"]:
                if "not_intent" in mapping:
                    assert mapping["conditions"][0]["active_loop"] == form.name
