"""One truth for every fact (issue 15): no response states a number the bank's documents do not
give, unless the code fills it from the constant or setting that enforces it (bank/facts.py).

Every response a user (or an agent) reads is checked: domain/*.yml, channel/texts.yml,
channel/notices.yml and the web desk's channel/desk.yml. A number in a text must be one of the
seeds' facts below (each with the sentence it comes from), or one of the examples below (a
sample input, a lesson's sum), or a `{placeholder}`; and each placeholder must be one that the
code fills.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from bank import otp, validators
from bank.facts import CONSTANT_FACTS, FACT_NAMES, SETTING_FACTS, setting_facts, stated_facts
from bank.messages import CALL_CENTER
from bank.mini.pictures import PICTURE_PASSWORD_LENGTH
from bank.settings import Settings
from bot.channel_texts import load_channel_texts
from desk.texts import DESK_TEXTS_PATH
from formats.domain_files import (
    CHANNEL_NOTICES_PATH,
    CHANNEL_TEXTS_PATH,
    DOMAIN_DIR,
    REPO,
    domain_files,
    load_domain,
)

SEED_REGISTRATION: Final = "seeds/000 (Instructivo – Registro en produbanco.com)"
SEED_MINI: Final = "seeds/003 (Cuenta Mini – Cómo crear el usuario de tu hijo)"
GLOSSARY: Final = "GLOSSARY.md (the bank's terms)"

# A number with the word after it, as the texts may state it, and where the fact comes from.
SEED_FACTS: Final[dict[str, str]] = {
    "1700 123 123": f"{SEED_REGISTRATION}: «Si tienes dudas por favor comunícate a nuestro Call "
    "Center al 1700 123 123»",
    "4 dígitos": f"{SEED_REGISTRATION}: «Con tu clave de 4 dígitos puedes acceder a todos los "
    "canales tecnológicos Produbanco en línea»",
    "4 imágenes": f"{SEED_MINI}: «Crea una contraseña secreta eligiendo 4 imágenes para que tu "
    "hijo/a pueda ingresar cada vez a su cuenta de manera segura»",
    "10 dígitos": f"{GLOSSARY}: «Cédula: the 10-digit national identity number»",
    "10 números": f"{GLOSSARY}: «Cédula: the 10-digit national identity number»",
    "13 dígitos": f"{GLOSSARY}: «RUC: the 13-digit taxpayer number»",
}

# Numbers that state no rule, by response: sample inputs, counters, the lessons' sums.
SAMPLE_ID: Final = ("1710034065",)  # a sample cédula (the demo's), showing the format
SAMPLE_AMOUNTS: Final = ("25", "12,50", "5", "2,50", "5,50", "2", "1,50")
CHALLENGE_COUNTER: Final = ("1", "2", "3")  # "(1 de 3)": the seed's three challenge questions
SAMPLE_TICKET: Final = ("12",)  # "/tomar 12": how an agent types the command
EXAMPLES: Final[dict[str, tuple[str, ...]]] = {
    "utter_invalid_id_number_not_digits": SAMPLE_ID,
    "utter_ask_home_phone": ("02 234 5678",),
    "utter_ask_work_phone": ("04 256 7890",),
    "utter_invalid_phone_format": ("02 234 5678", "099 123 4567"),
    "utter_ask_challenge_first_name_ref": CHALLENGE_COUNTER,
    "utter_ask_challenge_mother_surname_ref": CHALLENGE_COUNTER,
    "utter_ask_challenge_father_surname_ref": CHALLENGE_COUNTER,
    "utter_ask_goal_amount": SAMPLE_AMOUNTS,
    "utter_invalid_goal_amount_amount": SAMPLE_AMOUNTS,
    "utter_ask_money_amount": SAMPLE_AMOUNTS,
    "utter_mini_amount_invalid": SAMPLE_AMOUNTS,
    "utter_amount_ambiguous": SAMPLE_AMOUNTS,
    "utter_ask_mission_reward": SAMPLE_AMOUNTS,
    "utter_invalid_mission_reward_amount": SAMPLE_AMOUNTS,
    "utter_mini_lesson_saving": ("5", "2", "3"),  # "si recibes $5 y guardas $2" and its options
    "utter_mini_lesson_goal": ("10", "4", "6", "14"),  # "una pelota de $10 y ya tienes $4"
    "utter_channel_assist_cmd_tomar": SAMPLE_TICKET,
    "utter_channel_assist_cmd_cambiar": SAMPLE_TICKET,
}

# What a number followed by one of these states is a rule, never an example.
RULE_WORDS: Final = frozenset(
    {"segundos", "minutos", "horas", "días", "dígitos", "números", "caracteres", "letras"}
    | {"intentos", "veces", "códigos", "solicitudes", "metas", "misiones", "imágenes"}
)

PLACEHOLDER: Final = re.compile(r"\{([a-z_]+)\}")
# "1. Entra a…": the steps of a numbered list are not facts.
LIST_MARKER: Final = re.compile(r"(?m)^\s*\d+\.\s")
# A number standing alone (not the digits of "andrea2015"), a phone's groups kept together.
NUMBER: Final = re.compile(r"(?<![^\W_])\d+(?:[.,]\d+)*(?: \d{3,4}(?!\d))*(?: (\w+))?")

RESPONSE_FILES: Final = (
    *domain_files(),
    CHANNEL_TEXTS_PATH,
    CHANNEL_NOTICES_PATH,
    DESK_TEXTS_PATH,
)


def responses_of(path: Path) -> dict[str, list[dict[str, Any]]]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(loaded.get("responses") or {})


def all_responses() -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in RESPONSE_FILES:
        merged.update(responses_of(path))
    return merged


def shown_texts(variations: list[dict[str, Any]]) -> Iterator[str]:
    """What a person reads of a response: each variation's text and its buttons' titles."""
    for variation in variations:
        yield str(variation.get("text") or "")
        for button in variation.get("buttons") or []:
            yield str(button.get("title") or "")


def stated_numbers(text: str) -> list[tuple[str, str]]:
    """Each number `text` states outside placeholders and list markers, with the word after it."""
    bare = LIST_MARKER.sub("", PLACEHOLDER.sub("", text))
    found = []
    for match in NUMBER.finditer(bare):
        word = match.group(1) or ""
        number = match.group(0)[: len(match.group(0)) - len(word)].strip()
        found.append((number, word.lower()))
    return found


def placeholders(variations: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for variation in variations:
        names.update(PLACEHOLDER.findall(str(variation.get("text") or "")))
        for button in variation.get("buttons") or []:
            names.update(PLACEHOLDER.findall(str(button.get("title") or "")))
            names.update(PLACEHOLDER.findall(str(button.get("payload") or "")))
    return names


def unexplained_numbers(responses: dict[str, list[dict[str, Any]]]) -> list[str]:
    """`name: number` for each number that is neither a seed's fact nor a listed example."""
    problems = []
    for name, variations in responses.items():
        for text in shown_texts(variations):
            for number, word in stated_numbers(text):
                if f"{number} {word}" in SEED_FACTS or number in SEED_FACTS:
                    continue
                if number in EXAMPLES.get(name, ()) and word not in RULE_WORDS:
                    continue
                problems.append(f"{name}: {number} {word}".strip())
    return problems


def test_every_number_in_a_response_is_a_seed_fact_or_comes_from_the_code() -> None:
    problems = unexplained_numbers(all_responses())
    assert not problems, (
        "state these through a placeholder of bank/facts.py, or add the seed's sentence to "
        f"SEED_FACTS: {problems}"
    )


def test_the_check_finds_a_hard_coded_rule() -> None:
    hard_coded = {"utter_x": [{"text": "Tu usuario tiene de 6 a 20 letras. Llama al 1700 123 123"}]}
    assert unexplained_numbers(hard_coded) == ["utter_x: 6 a", "utter_x: 20 letras"]
    filled = {"utter_x": [{"text": "De {username_min_length} a {username_max_length} letras."}]}
    assert unexplained_numbers(filled) == []
    assert unexplained_numbers({"utter_x": [{"text": "1. Tu clave de 4 dígitos."}]}) == []
    assert unexplained_numbers({"utter_x": [{"text": "Por ejemplo: andrea2015"}]}) == []
    sample = {"utter_ask_money_amount": [{"text": "Por ejemplo 5 o 2,50, en 5 minutos."}]}
    assert unexplained_numbers(sample) == ["utter_ask_money_amount: 5 minutos"]


def test_every_response_given_examples_still_states_one() -> None:
    responses = all_responses()
    stale = [
        name
        for name, numbers in EXAMPLES.items()
        if not {
            number
            for text in shown_texts(responses.get(name, []))
            for number, _ in stated_numbers(text)
        }
        & set(numbers)
    ]
    assert not stale


# ---------------------------------------------------------------------------------------------
# Placeholders: each one is filled by the code.
# ---------------------------------------------------------------------------------------------


def rasa_uttered(domain: dict[str, Any]) -> set[str]:
    """Responses Rasa utters itself, filling placeholders from slots only: the FAQ answers, the
    ones rules name, the forms' questions without an `action_ask_`, the default fallback."""
    responses = set(domain["responses"])
    named = {
        match
        for path in (REPO / "dialogues").glob("*.yml")
        for match in re.findall(r"\b(utter_[a-z0-9_]+)\b", path.read_text(encoding="utf-8"))
    }
    actions = set(domain.get("actions") or [])
    asked = {
        f"utter_ask_{slot}"
        for slot in domain.get("slots", {})
        if f"action_ask_{slot}" not in actions
    }
    faq = {name for name in responses if name.startswith("utter_faq/")}
    return responses & (named | asked | faq | {"utter_default"})


def source_words(*packages: str) -> set[str]:
    return {
        word
        for package in packages
        for path in (REPO / package).rglob("*.py")
        for word in re.findall(r"[a-z_]+", path.read_text(encoding="utf-8"))
    }


def test_the_responses_rasa_utters_use_only_slots_and_facts() -> None:
    domain = load_domain()
    slots = set(domain["slots"])
    unfilled = {
        name: sorted(placeholders(domain["responses"][name]) - slots)
        for name in sorted(rasa_uttered(domain))
        if placeholders(domain["responses"][name]) - slots
    }
    assert "utter_faq/otp_validity" in rasa_uttered(domain)
    assert not unfilled, f"Rasa fills these from slots only, and no slot has the name: {unfilled}"


def test_every_placeholder_of_a_domain_response_is_a_slot_or_a_name_the_actions_pass() -> None:
    domain = load_domain()
    known = set(domain["slots"]) | source_words("actions", "bank")
    unknown = {
        name: sorted(placeholders(variations) - known)
        for name, variations in domain["responses"].items()
        if placeholders(variations) - known
    }
    assert not unknown


def test_every_placeholder_of_a_channel_text_is_a_fact_or_a_name_the_bot_passes() -> None:
    known = FACT_NAMES | source_words("bot", "bank")
    channel = {**responses_of(CHANNEL_TEXTS_PATH), **responses_of(CHANNEL_NOTICES_PATH)}
    unknown = {
        name: sorted(placeholders(variations) - known)
        for name, variations in channel.items()
        if placeholders(variations) - known
    }
    assert not unknown


def test_the_channel_fills_every_fact_it_states() -> None:
    texts = load_channel_texts()
    channel = {**responses_of(CHANNEL_TEXTS_PATH), **responses_of(CHANNEL_NOTICES_PATH)}
    stating = {name for name, shown in channel.items() if placeholders(shown) & FACT_NAMES}
    assert "utter_channel_assist_cmd_desbloquear" in stating
    for name in stating:
        shown = texts.get(name)
        assert not set(PLACEHOLDER.findall(shown)) & FACT_NAMES, name
    # The bot fills the constants itself; a setting would need the bank's settings.
    assert not {fact for variations in channel.values() for fact in placeholders(variations)} & set(
        SETTING_FACTS
    )
    assert texts.get("utter_channel_assist_cmd_desbloquear", unlock_reason_min_length="1").count(
        "de 1 a 300"
    )


def test_every_fact_has_a_slot_that_rasa_fills_it_from() -> None:
    slots = yaml.safe_load((DOMAIN_DIR / "facts.yml").read_text(encoding="utf-8"))["slots"]
    assert set(slots) == FACT_NAMES
    for slot in slots.values():
        assert slot == {
            "type": "text",
            "influence_conversation": False,
            "mappings": [{"type": "custom"}],
        }


def test_every_fact_is_stated_by_some_response() -> None:
    used = {name for variations in all_responses().values() for name in placeholders(variations)}
    assert not FACT_NAMES - used, "a fact no text states: drop it from bank/facts.py"


def test_no_fact_name_is_one_an_action_passes_for_something_else() -> None:
    # An action's value wins over a slot of the same name: a fact's name must be its own.
    assert not FACT_NAMES & {"max", "minutes", "limit", "seconds", "left", "min_length"}


# ---------------------------------------------------------------------------------------------
# The code's rules agree with the seeds where the seeds give the number.
# ---------------------------------------------------------------------------------------------


def test_the_rules_the_seeds_give_are_the_rules_the_code_enforces() -> None:
    assert CONSTANT_FACTS["otp_minutes"] == "5"  # seed 000: «vigente por 5 minutos»
    assert otp.CODE_TTL.total_seconds() == 5 * 60
    # seed 003: «cumple con el mínimo de caracteres (8)»
    assert CONSTANT_FACTS["mini_username_min_length"] == "8"
    assert PICTURE_PASSWORD_LENGTH == 4  # seed 003: «eligiendo 4 imágenes»
    assert CALL_CENTER == "1700 123 123"  # seed 000
    assert validators.validate_pin_format("1234").ok  # seed 000: «clave de 4 dígitos»
    assert not validators.validate_pin_format("12345").ok


@pytest.mark.parametrize(("setting", "shown"), [("50.00", "$50,00"), ("1234.5", "$1.234,50")])
def test_the_mini_limits_are_stated_as_the_settings_set_them(setting: str, shown: str) -> None:
    settings = Settings.model_construct(
        mini_max_per_request=Decimal(setting), mini_max_per_day=Decimal("5000.00")
    )
    assert setting_facts(settings) == {
        "mini_max_per_request": shown,
        "mini_max_per_day": "$5.000,00",
    }
    assert set(stated_facts(settings)) == FACT_NAMES


def test_no_text_an_action_joins_itself_states_a_fact() -> None:
    # actions.common.replies.phrase() fills buttons and history lines from outcome data only,
    # without the slots: a fact there would stay "{otp_minutes}".
    joined = re.compile(
        r"^utter_button_|_line(_|$)|_movement_|_state_|_title_"
        r"|^utter_mini_request_(money|withdrawal|mission)$"
    )
    stating = [
        name
        for name, variations in load_domain()["responses"].items()
        if joined.search(name) and placeholders(variations) & FACT_NAMES
    ]
    assert not stating
