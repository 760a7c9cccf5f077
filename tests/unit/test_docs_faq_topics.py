"""The FAQ topics the journey pages list are exactly those of domain/faq.yml: the registration's
and online banking's in docs/registration.md, the Cuenta Mini's (`mini_*`) in docs/mini.md."""

from __future__ import annotations

import re
from pathlib import Path

from formats.domain_files import load_domain

REPO = Path(__file__).resolve().parents[2]
FAQ_RESPONSE = re.compile(r"^utter_faq/(\w+)$")
TOPIC_IN_DOCS = re.compile(r"`faq/(\w+)`")


def _domain_topics() -> set[str]:
    names = load_domain()["responses"]
    return {match[1] for name in names if (match := FAQ_RESPONSE.match(name))}


def _listed(page: str) -> set[str]:
    return set(TOPIC_IN_DOCS.findall((REPO / "docs" / page).read_text(encoding="utf-8")))


def test_the_domain_has_faq_topics() -> None:
    assert len(_domain_topics()) >= 20


def test_docs_registration_lists_every_topic_that_is_not_the_cuenta_mini() -> None:
    expected = {topic for topic in _domain_topics() if not topic.startswith("mini_")}
    listed = _listed("registration.md")
    assert listed - _domain_topics() == set(), "docs/registration.md names topics that are gone"
    assert expected - listed == set(), "add these topics to docs/registration.md"


def test_docs_mini_lists_every_cuenta_mini_topic() -> None:
    expected = {topic for topic in _domain_topics() if topic.startswith("mini_")}
    listed = _listed("mini.md")
    assert listed - _domain_topics() == set(), "docs/mini.md names topics that are gone"
    assert expected - listed == set(), "add these topics to docs/mini.md"
