"""Which messages fit two or more topics (rasa_extensions/ambiguity.py, issue 15)."""

from __future__ import annotations

import pytest

from rasa_extensions.ambiguity import (
    FAMILIES,
    candidates,
    close_intents,
    close_topics,
    family_candidates,
)

CODES = ["faq/otp_validity", "faq/mini_activation_code"]
PASSWORDS = ["faq/forgot_credentials", "faq/pin_where", "faq/mini_forgot_picture_password"]
USERNAMES = ["faq/forgot_credentials", "faq/mini_forgot_picture_password"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mi código ya no sirve", CODES),
        ("Mi codigo ya no sirbe", CODES),
        ("el codigo se vencio", CODES),
        ("hola buenas, me sale que el código es inválido, qué hago", CODES),
        ("mi clave no funciona", PASSWORDS),
        ("olvidé mi contraseña", PASSWORDS),
        ("no me acuerdo de mi clave", PASSWORDS),
        ("mi usuario ya no sirve", USERNAMES),
    ],
)
def test_a_family_named_with_trouble_and_nothing_saying_which(text: str, expected: list) -> None:
    assert family_candidates(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "el código de activación ya no sirve",  # says which
        "la clave temporal del sms se venció",
        "mi hijo olvidó su clave",
        "no me llegó el código",  # no trouble word: the SMS journey answers it
        "genera el código por favor",
        "de acuerdo, envía el código",
        "olvidé la clave de 4 dígitos",
        "no recuerdo mi usuario de produbanco en línea",
        '/inform{"secret_ref": "x"} codigo no sirve',
        "hola",
        "",
        "te escribo porque ayer en la tarde quise entrar y la verdad no me acuerdo bien si "
        "era la clave o qué cosa era pero algo no funciona",  # long: the classifier decides
    ],
)
def test_not_a_family_question(text: str) -> None:
    assert family_candidates(text) == []


def test_two_families_offer_both_without_repeating() -> None:
    found = family_candidates("olvidé mi usuario y mi clave")
    assert found == PASSWORDS  # the username's topics are among the password's


def test_every_family_offers_at_least_two_topics() -> None:
    assert all(len(family.candidates) >= 2 for family in FAMILIES.values())


RANKING = [
    {"name": "nlu_fallback", "confidence": 0.6},
    {"name": "start_registration", "confidence": 0.41},
    {"name": "faq", "confidence": 0.37},
    {"name": "greet", "confidence": 0.1},
]
TOPICS = [
    {"intent_response_key": "faq/registration_steps", "confidence": 0.5},
    {"intent_response_key": "faq/username_rules", "confidence": 0.45},
    {"intent_response_key": "faq/call_center", "confidence": 0.05},
]


def test_close_top_two_intents_name_the_faq_by_its_topic() -> None:
    found = close_intents(RANKING, TOPICS, threshold=0.1, minimum=0.2)
    assert found == ["start_registration", "faq/registration_steps"]


def test_intents_far_apart_or_too_weak_are_not_offered() -> None:
    far = [RANKING[0], {"name": "greet", "confidence": 0.7}, {"name": "faq", "confidence": 0.2}]
    assert close_intents(far, TOPICS, threshold=0.1, minimum=0.2) == []
    weak = [{"name": "greet", "confidence": 0.15}, {"name": "thank", "confidence": 0.14}]
    assert close_intents(weak, TOPICS, threshold=0.1, minimum=0.2) == []


def test_close_topics() -> None:
    assert close_topics(TOPICS, threshold=0.1) == ["faq/registration_steps", "faq/username_rules"]
    assert close_topics(TOPICS[1:], threshold=0.1) == []


def test_candidates_by_reason() -> None:
    settings = {"intent_threshold": 0.1, "intent_minimum": 0.2, "topic_threshold": 0.1}
    assert candidates("mi código ya no sirve", "faq", [], TOPICS, **settings) == CODES
    assert candidates("algo raro", "nlu_fallback", RANKING, TOPICS, **settings) == [
        "start_registration",
        "faq/registration_steps",
    ]
    assert candidates("cómo me registro", "faq", [], TOPICS, **settings)[0] == (
        "faq/registration_steps"
    )
    assert candidates("hola", "greet", RANKING, TOPICS, **settings) == []
    assert candidates("hola", "faq", [], TOPICS[1:], **settings) == []
