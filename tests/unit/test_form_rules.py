"""The forms, their interruption rules and not_intent lists are written from scripts/form_spec/:
the committed files are current, a stale one is caught, and the spec is consistent."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.common.token_answers import UNCLEAR_INTENTS
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
from scripts.form_spec.shared import AMBIGUOUS, CLARIFIED_INTENTS, clarified

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
    domain.write_text(text.replace("not_intent: [", "not_intent: [skip, ", 1), encoding="utf-8")
    rules = root / RULES_FILE
    extra = (
        "\n  - rule: x\n    condition:\n      - active_loop: parent_mission_form\n"
        "    steps:\n      - intent: nlu_fallback\n      - action: action_not_understood\n"
    )
    rules.write_text(rules.read_text(encoding="utf-8") + extra, encoding="utf-8")
    diff = compare(REPO, root)
    assert "not_intent id_number#1 (registration_form): + skip" in diff
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


def _rules_of(form: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((REPO / RULES_FILE).read_text(encoding="utf-8"))
    return [
        rule
        for rule in data["rules"]
        if rule.get("condition") == [{"active_loop": form}]
        and rule["steps"][-1] == {"active_loop": form}
    ]


def _user_steps(rule: dict[str, Any]) -> list[dict[str, Any]]:
    first = rule["steps"][0]
    return list(first["or"]) if "or" in first else [first]


@pytest.mark.parametrize("form", [form.name for form in FORMS])
def test_every_form_asks_which_one_about_a_marked_message_it_would_answer(form: str) -> None:
    spec = next(item for item in FORMS if item.name == form)
    expected = [i for i in CLARIFIED_INTENTS if i in spec.answered_intents()]
    asking = [
        rule
        for rule in _rules_of(form)
        if any(step.get("entities") == [AMBIGUOUS] for step in _user_steps(rule))
    ]
    assert len(asking) == 1, f"{form}: one rule asks which one"
    (rule,) = asking
    assert [step["intent"] for step in _user_steps(rule)] == expected
    assert {"intent", "entities"} >= {k for s in _user_steps(rule) for k in s}
    assert rule["steps"][1:] == [
        {"action": "action_clarify"},
        {"action": form},
        {"active_loop": form},
    ], "then the form asks the same step again"
    # Each marked intent also has the form's plain answer (the rule without the entity), so the
    # form rejects the message and the longer rule wins only when the entity is there.
    plain = {
        step["intent"]
        for other in _all_rules()
        if other.get("condition") == [{"active_loop": form}]
        for step in _user_steps(other)
        if "entities" not in step and "intent" in step
    }
    assert set(expected) <= plain


def _all_rules() -> list[dict[str, Any]]:
    return list(yaml.safe_load((REPO / RULES_FILE).read_text(encoding="utf-8"))["rules"])


def test_inside_and_outside_a_journey_the_same_intents_are_asked_about() -> None:
    data = yaml.safe_load((REPO / "dialogues" / "clarify.yml").read_text(encoding="utf-8"))
    (outside,) = data["rules"]
    steps = _user_steps(outside)
    assert all(step["entities"] == [AMBIGUOUS] for step in steps)
    assert tuple(step["intent"] for step in steps) == CLARIFIED_INTENTS
    assert "nlu_fallback" in CLARIFIED_INTENTS and "faq" in CLARIFIED_INTENTS


def test_a_refinement_by_entity_adds_no_intent_to_what_a_form_answers() -> None:
    (form,) = [item for item in FORMS if item.name == "mini_withdrawal_form"]
    refined = [item for item in form.interruptions if item.entity is not None]
    assert refined, "the clarification is a refinement"
    plain = dataclasses.replace(form, interruptions=form.interruptions[:-1])
    assert form.answered_intents() == plain.answered_intents()
    assert clarified(plain) == form


# Social words, the "yes"/"no" and a parent's button tapped in a child's form are never the
# answer of a free-text step that answers them (the two exceptions before issue 15 took them).
NEVER_TEXT = ("greet", "thank", "goodbye", "affirm", "deny", "unlock_child", "generate_code")


@pytest.mark.parametrize(
    ("form", "slot"), [(form.name, slot) for form in FORMS for slot in form.text_slots]
)
def test_every_form_answers_the_same_words_the_same_way(form: str, slot: str) -> None:
    spec = next(item for item in FORMS if item.name == form)
    answered = set(spec.answered_intents())
    (mapping,) = [
        m for m in load_domain()["slots"][slot]["mappings"] if m.get("type") == "from_text"
    ]
    for intent in NEVER_TEXT:
        if intent in answered:
            assert intent in mapping["not_intent"], f"{slot} takes {intent} as text"


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_every_form_has_a_rule_for_the_unclear_messages_its_validation_refuses(form: Any) -> None:
    # actions/common/token_answers.py rejects a marked nlu_fallback or out_of_scope that a
    # free-text slot took but that fails the step's rule: the form must ask which one then.
    (asking,) = [item for item in form.interruptions if item.entity == AMBIGUOUS]
    assert set(asking.intents) >= UNCLEAR_INTENTS
    assert set(CLARIFIED_INTENTS) >= UNCLEAR_INTENTS
