"""`action_clarify`: "¿Te refieres a…?" with one button per topic the message may mean.

Rasa's last NLU component (`rasa_extensions/clarify.py`) marks such a message with the entity
`ambiguous`: the candidates' keys, an intent ("start_registration") or an FAQ topic
("faq/otp_validity"), space-separated. A candidate is offered when the domain titles it
(`utter_button_clarify_<key>`, "/" as "_"): an FAQ topic's button sends the payload of its title's
own button, a question among that topic's training examples (so the FAQ rule answers the tap,
inside a journey too), an intent's button sends `/<intent>`. Outside a journey "↩️ Otra cosa"
shows the menu; inside one the form's generated rule runs this action, then the form asks its
step again (dialogues/form_interruptions.yml). With fewer than two titled candidates the message
is answered as if it had not been marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.misses import NotUnderstood
from actions.common.replies import button, phrase, utter

ENTITY: Final = "ambiguous"
FAQ_PREFIX: Final = "faq/"
OTHER_PAYLOAD: Final = "/go_back"
MIN_OPTIONS: Final = 2

Button = dict[str, str]


def title_response(key: str) -> str:
    """The domain response that titles a candidate (`faq/otp_validity` ->
    `utter_button_clarify_faq_otp_validity`)."""
    return f"utter_button_clarify_{key.replace('/', '_')}"


def candidate_keys(latest_message: Mapping[str, Any]) -> list[str]:
    """The candidates the NLU marked the message with, in its order, once each."""
    keys: list[str] = []
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") != ENTITY:
            continue
        for key in str(entity.get("value") or "").split():
            if key not in keys:
                keys.append(key)
    return keys


def option(domain: DomainDict, key: str) -> Button | None:
    """The button of one candidate, or None when the domain does not title it (or an FAQ
    topic has no answer)."""
    response = title_response(key)
    if response not in domain.get("responses", {}):
        return None
    title = phrase(domain, response)
    if key.startswith(FAQ_PREFIX):
        question = faq_question(domain, response)
        if f"utter_{key}" not in domain.get("responses", {}) or not question:
            return None
        return {"title": title, "payload": question}
    return {"title": title, "payload": f"/{key}"}


def faq_question(domain: DomainDict, response: str) -> str:
    """The question an FAQ option's tap sends: the payload of its title's own button."""
    variations = domain.get("responses", {}).get(response) or [{}]
    buttons = variations[0].get("buttons") or [{}]
    return str(buttons[0].get("payload") or "").strip()


def options(domain: DomainDict, keys: list[str]) -> list[Button]:
    """The buttons of the candidates the domain titles."""
    return [found for found in (option(domain, key) for key in keys) if found is not None]


class Clarify(Action):
    """Ask which topic a message that fits several means; a tap answers that topic."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The question with its buttons, or the message's ordinary answer."""
        buttons = options(domain, candidate_keys(tracker.latest_message))
        if len(buttons) < MIN_OPTIONS:
            return await answer_plainly(dispatcher, tracker, domain)
        if not tracker.active_loop_name:
            buttons.append(button(domain, "clarify_other", OTHER_PAYLOAD))
        utter(dispatcher, "utter_clarify", buttons=buttons)
        return []


async def answer_plainly(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType]:
    """No two topics to offer: a question gets the FAQ answer the selector chose, anything else
    the short answer to a message not understood."""
    message = tracker.latest_message
    if (message.get("intent") or {}).get("name") == "faq":
        selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response")
        topic = (selected or {}).get("intent_response_key")
        if topic and f"utter_{topic}" in domain.get("responses", {}):
            dispatcher.utter_message(response=f"utter_{topic}")
            return []
    return await NotUnderstood().run(dispatcher, tracker, domain)
