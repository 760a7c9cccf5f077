"""Every text the desk names exists in channel/desk.yml (a missing one would be a 500), and no
Spanish sentence is written in the desk's Python."""

from __future__ import annotations

import re
from pathlib import Path

from desk.texts import DESK_TEXTS_PATH, MissingDeskTextError, load_desk_texts
from desk.web import SESSION_COOKIE, SIGN_IN_CSRF_COOKIE
from formats.domain_files import load_channel_responses

DESK = Path(__file__).resolve().parents[3] / "desk"
_TEMPLATE_NAME = re.compile(r"\bt\('([a-z_]+)'")
_PYTHON_NAME = re.compile(r'"(desk_[a-z_]+)"')


def test_every_text_the_templates_and_pages_name_exists() -> None:
    texts = load_desk_texts()
    named = set()
    for template in (DESK / "templates").glob("*.html"):
        named |= set(_TEMPLATE_NAME.findall(template.read_text(encoding="utf-8")))
    for module in DESK.glob("*.py"):
        named |= set(_PYTHON_NAME.findall(module.read_text(encoding="utf-8")))
    # Prefixes a template completes ('desk_link_' ~ journey) and the cookies' names are not texts.
    named = {n for n in named if not n.endswith("_")} - {SESSION_COOKIE, SIGN_IN_CSRF_COOKIE}
    assert len(named) > 60
    assert sorted(named - set(texts.texts)) == []


def test_labels_for_every_journey_reason_state_role_and_link() -> None:
    texts = load_desk_texts()
    for name in (
        "reason_asked",
        "reason_not_understood",
        "reason_locked",
        "reason_not_my_number",
        "journey_registration",
        "journey_mini_registration",
        "journey_mini_sign_in",
        "journey_mini_parent",
        "journey_mini_session",
        "state_waiting",
        "state_taken",
        "state_follow_up",
        "role_cliente",
        "role_asistente",
        "role_asesor",
        "desk_link_registro",
        "desk_link_mini",
        "desk_link_hijos",
        "desk_link_entrar",
        "desk_role_agent",
        "desk_role_supervisor",
    ):
        assert name in texts.texts, name


def test_placeholders_are_filled_and_a_missing_text_is_an_error() -> None:
    texts = load_desk_texts()
    assert texts.get("desk_take_already_taken", ticket=7, agent_name="Paula") == (
        "El ticket #7 ya lo atiende Paula."
    )
    assert texts.label("reason", "no_such_reason") == "no_such_reason"
    try:
        texts.get("desk_no_such_text")
    except MissingDeskTextError:
        pass
    else:
        raise AssertionError("a missing text must raise")


def test_no_spanish_in_the_desks_python() -> None:
    accented = re.compile(r"[áéíóúñ¿¡]")
    for module in DESK.glob("*.py"):
        code = [
            line
            for line in module.read_text(encoding="utf-8").splitlines()
            if not line.strip().startswith("#")
        ]
        hits = [line for line in code if accented.search(line) and '"""' not in line]
        assert hits == [], module.name
    assert DESK_TEXTS_PATH.name == "desk.yml"


def test_every_outcome_an_action_can_answer_has_its_message() -> None:
    texts = load_desk_texts()
    answers = {
        "take": ("already_taken", "unknown"),
        "reply": ("sent", "empty", "not_yours"),
        "note": ("noted", "empty", "not_yours"),
        "hand_back": ("handed_back", "cannot_go_back", "no_journey", "not_yours"),
        "close": ("closed", "not_yours"),
        "lookup": ("found", "unknown", "invalid_identity"),
        "resend": (
            "sent",
            "too_soon",
            "too_many_codes",
            "attempts_exhausted",
            "no_journey",
            "locked",
            "locked_held",
            "no_mobile",
            "restarted_inactive",
            "invalid_identity",
        ),
        "unlock": ("unlocked", "not_locked", "reason_required", "invalid_identity"),
        "link": ("sent", "invalid_journey", "unknown", "no_mobile", "invalid_identity"),
    }
    missing = [
        f"{action}:{code}"
        for action, codes in answers.items()
        for code in codes
        if f"desk_{action}_{code}" not in texts.texts and f"desk_code_{code}" not in texts.texts
    ]
    assert missing == []


def test_the_labels_agents_also_read_in_telegram_are_the_bots_own_words() -> None:
    texts = load_desk_texts()
    channel = load_channel_responses()
    for kind, prefix in (
        ("reason_locked", "utter_channel_assist_reason_locked"),
        ("journey_mini_parent", "utter_channel_assist_journey_name_mini_parent"),
        ("state_follow_up", "utter_channel_assist_state_name_follow_up"),
        ("role_cliente", "utter_channel_assist_role_cliente"),
    ):
        assert texts.get(kind) == channel[prefix][0]["text"]


def test_desk_texts_may_not_repeat_a_shared_label(tmp_path: Path) -> None:
    repeated = tmp_path / "desk.yml"
    repeated.write_text('responses:\n  reason_locked:\n    - text: "otra cosa"\n')
    try:
        load_desk_texts(repeated)
    except ValueError as error:
        assert "reason_locked" in str(error)
    else:
        raise AssertionError("a repeated label must be refused")
