"""`action_clarify` (issue 15): "¿Te refieres a…?" with one button per topic, and the words that
keep its options, the NLU's training examples, the families and the FAQ answers in step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify.ask import Clarify, candidate_keys, faq_question, title_response
from rasa_extensions.ambiguity import FAMILIES, family_candidates

REPO = Path(__file__).resolve().parents[3]
CODES = "faq/otp_validity faq/mini_activation_code"


def tracker(
    intent: str,
    ambiguous: str | None,
    *,
    loop: str | None = None,
    selected: str | None = None,
) -> Tracker:
    entities = [] if ambiguous is None else [{"entity": "ambiguous", "value": ambiguous}]
    message: dict[str, Any] = {
        "intent": {"name": intent},
        "entities": entities,
        "text": "mi código ya no sirve",
    }
    if selected:
        message["response_selector"] = {"faq": {"response": {"intent_response_key": selected}}}
    return Tracker(
        sender_id="test:clarify",
        slots={},
        latest_message=message,
        events=[{"event": "user", "text": "…", "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={"name": loop} if loop else {},
        latest_action_name="action_listen",
    )


async def run(track: Tracker, domain: dict[str, Any]) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    assert await Clarify().run(dispatcher, track, domain) == []
    return dispatcher


async def test_which_code_is_asked_with_a_button_per_topic(domain: dict[str, Any]) -> None:
    dispatcher = await run(tracker("faq", CODES), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_clarify"
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        (
            "📱 La clave temporal que llega por SMS",
            "cuánto tiempo tengo para ingresar la clave temporal",
        ),
        ("🔑 El código de activación de Cuenta Mini", "qué es el código de activación"),
        ("↩️ Otra cosa", "/go_back"),
    ]


async def test_an_intent_candidate_is_tapped_as_its_intent(domain: dict[str, Any]) -> None:
    dispatcher = await run(
        tracker("nlu_fallback", "start_registration faq/registration_steps"), domain
    )
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == [
        "/start_registration",
        "cuáles son los pasos para registrarme",
        "/go_back",
    ]


async def test_inside_a_journey_there_is_no_menu_button(domain: dict[str, Any]) -> None:
    dispatcher = await run(tracker("faq", CODES, loop="parent_mini_form"), domain)
    assert "/go_back" not in [b["payload"] for b in dispatcher.messages[0]["buttons"]]


async def test_fewer_than_two_titled_topics_get_the_ordinary_answer(
    domain: dict[str, Any],
) -> None:
    question = await run(
        tracker("faq", "faq/otp_validity unknown_intent", selected="faq/otp_validity"),
        domain,
    )
    assert [m["response"] for m in question.messages] == ["utter_faq/otp_validity"]
    miss = await run(tracker("nlu_fallback", "greet goodbye"), domain)
    assert [m["response"] for m in miss.messages] == ["utter_default", "utter_main_menu"]


def test_candidates_are_read_from_the_entity_once_each() -> None:
    message = {
        "entities": [
            {"entity": "id_number", "value": "1710034065"},
            {"entity": "ambiguous", "value": "faq/a start_registration faq/a"},
        ]
    }
    assert candidate_keys(message) == ["faq/a", "start_registration"]


# The words in step ---------------------------------------------------------------------------


def clarify_titles(domain: dict[str, Any]) -> dict[str, str]:
    prefix = "utter_button_clarify_"
    return {
        name.removeprefix(prefix): variations[0]["text"]
        for name, variations in domain["responses"].items()
        if name.startswith(prefix) and name != "utter_button_clarify_other"
    }


def nlu_examples() -> dict[str, set[str]]:
    examples: dict[str, set[str]] = {}
    for path in sorted((REPO / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                continue
            lines = str(block.get("examples", "")).splitlines()
            texts = {line.strip().removeprefix("-").strip() for line in lines}
            examples.setdefault(block["intent"], set()).update(t for t in texts if t)
    return examples


def test_every_faq_option_sends_an_example_of_its_topic_with_an_answer(domain: dict) -> None:
    examples = nlu_examples()
    faq_titles = {k: v for k, v in clarify_titles(domain).items() if k.startswith("faq_")}
    assert faq_titles, "the FAQ topics have titles"
    for key, title in faq_titles.items():
        topic = "faq/" + key.removeprefix("faq_")
        question = faq_question(domain, f"utter_button_clarify_{key}")
        assert question in examples.get(topic, set()), f"not an example of {topic}: {question}"
        assert not family_candidates(question), f"the tap itself would be asked about: {question}"
        assert f"utter_{topic}" in domain["responses"], f"{topic} has no answer"
        (variation,) = domain["responses"][f"utter_button_clarify_{key}"]
        assert variation["buttons"][0]["title"] == title


def test_every_intent_title_is_an_intent(domain: dict) -> None:
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    for key in clarify_titles(domain):
        if not key.startswith("faq_"):
            assert key in intents, key


def test_every_family_topic_has_a_title(domain: dict) -> None:
    for family in FAMILIES.values():
        for key in family.candidates:
            assert title_response(key) in domain["responses"], key
