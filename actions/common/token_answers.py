"""A one-word answer at a free-text step is the answer when it passes the step's rules.

NLU reads some usernames as questions ("comoestas88", "andreanavegador" hold "como" and
"donde"), a goal's name or a reason as a question too ("ahorro"): their intent is in the slot's
`not_intent` list, so the form would answer an FAQ instead. Every form takes such a message as
the step's answer when it is a single token that passes the step's own format rule (the rule the
bank applies: bank/validators.py, bank/mini/amounts.py), whatever the intent, unless the
customer steers ("cancelar", "regresar", "sigamos", an agent, help) or only greets, thanks, says
goodbye, yes or no ("gracias" is not a username, a goal or a reason). Real questions have spaces
or question marks and fail the rules, so they are still answered.

The other way round, a message NLU is unsure of that fits two topics (marked `ambiguous` by
rasa_extensions/clarify.py) and fails the step's rule is not handed over as the answer, although
the slot mapping took it: the form rejects it, and its generated rule asks "¿Te refieres a…?"
(`action_clarify`) before asking the step again (`refused_as_unclear`).

The bank-journey forms apply both in `JourneyFormValidation`; the plain forms (a goal, a money
request, a withdrawal, a mission) by deriving from `TakesOneWordAnswers`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.latest_message import latest_intent, latest_text, validates_the_message
from bank.mini.amounts import GOAL_NAME_MAX, MISSION_TITLE_MAX, REASON_MAX, clean_text, read_amount
from bank.validators import (
    classify_identity_number,
    validate_cedula,
    validate_child_username,
    validate_phone,
    validate_username,
)

# Intents that steer the conversation: a token read as one of these is never an answer.
STEERING_INTENTS: Final = frozenset(
    {
        "cancel",
        "go_back",
        "keep_going",
        "request_human",
        "agent_consent",
        "agent_decline",
        "cancel_agent_wait",
        "resume_after_agent",
        "show_help",
        "sign_out",
        "typed_command",
        "typed_secret",
    }
)
# The entity rasa_extensions/clarify.py marks a message that fits two or more topics with.
AMBIGUOUS: Final = "ambiguous"
# Intents a free-text slot takes as text that every form asks about when marked (each form's
# generated rule, scripts/form_spec/shared.py `clarified`, names them).
UNCLEAR_INTENTS: Final = frozenset({"nlu_fallback", "out_of_scope"})
# Conversation, not an answer: a token read as one of these is taken only when it holds a digit
# ("gracias" and "dale" are not a username; "hola2024" may be).
SOCIAL_INTENTS: Final = frozenset({"greet", "thank", "goodbye", "affirm", "deny"})


def _amount(text: str) -> bool:
    """One amount ("5", "$5,50", "cinco"): the bank then checks the limits and the balance."""
    return read_amount(text) is not None


def _words(maximum: int, minimum: int = 1) -> Callable[[str], bool]:
    return lambda text: clean_text(text, maximum=maximum, minimum=minimum).ok


# The step's format rule per free-text slot of every form (the bank checks everything again). A
# slot missing here (a child's name at `parent_child`, chosen with buttons) keeps the plain
# `not_intent` behaviour.
TOKEN_RULES: Final[Mapping[str, Callable[[str], bool]]] = MappingProxyType(
    {
        "id_number": lambda text: classify_identity_number(text).ok,
        "additional_cedula": lambda text: validate_cedula(text).ok,
        "username": lambda text: validate_username(text).ok,
        "username_confirmation": lambda text: validate_username(text).ok,
        "home_phone": lambda text: validate_phone(text).ok,
        "work_phone": lambda text: validate_phone(text).ok,
        "mini_cedula": lambda text: validate_cedula(text).ok,
        "mini_username": lambda text: validate_child_username(text).ok,
        "mini_sign_in_username": lambda text: validate_child_username(text).ok,
        "parent_username": lambda text: validate_username(text).ok,
        "goal_name": _words(GOAL_NAME_MAX),
        "goal_amount": _amount,
        "money_amount": _amount,
        "money_reason": _words(REASON_MAX, minimum=2),
        "withdrawal_amount": _amount,
        "mission_title": _words(MISSION_TITLE_MAX, minimum=3),
        "mission_reward": _amount,
    }
)


def single_token(text: str) -> str | None:
    """The message's one token, or None (several words, empty, or a button payload)."""
    stripped = text.strip()
    if not stripped or len(stripped.split()) != 1 or stripped.startswith("/"):
        return None
    return stripped


def token_answer(tracker: Tracker, form_name: str, slot: str) -> str | None:
    """The user's one-word message as the answer to `slot`, when it passes the step's rule and
    was not meant to steer; else None."""
    rule = TOKEN_RULES.get(slot)
    if rule is None or not validates_the_message(tracker, form_name):
        return None
    intent = latest_intent(tracker)
    if intent in STEERING_INTENTS:
        return None
    token = single_token(latest_text(tracker))
    if token is None or (intent in SOCIAL_INTENTS and not any(c.isdigit() for c in token)):
        return None
    return token if rule(token) else None


def is_marked(tracker: Tracker) -> bool:
    """Whether NLU marked the latest message as fitting two or more topics."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return any(entity.get("entity") == AMBIGUOUS for entity in entities)


def refused_as_unclear(
    tracker: Tracker, form_name: str, slot: str, value: object
) -> list[EventType]:
    """The events that reject the form when the slot mapping took a marked, unclear message that
    fails the step's rule ("mi usuario no me sirve" at the username step): the slot is emptied
    and the form's rule asks which topic was meant. Nothing (an empty list) otherwise."""
    rule = TOKEN_RULES.get(slot)
    if rule is None or value is None or not validates_the_message(tracker, form_name):
        return []
    if latest_intent(tracker) not in UNCLEAR_INTENTS or not is_marked(tracker):
        return []
    if rule(str(value).strip()):
        return []
    return [SlotSet(slot, None), ActionExecutionRejected(form_name)]


class TakesOneWordAnswers(FormValidationAction, ABC):
    """A plain form whose requested free-text slot takes a one-word answer that NLU read as an
    interruption (`token_answer`); its `validate_<slot>` then checks it as any answer."""

    @abstractmethod
    def name(self) -> str:
        """Name Rasa calls the validation action by."""

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The form's own extractions, and the requested slot from a one-word answer when the
        slot mapping left it empty."""
        events: list[EventType] = await super().get_extraction_events(dispatcher, tracker, domain)
        slot = tracker.get_slot("requested_slot")
        if not isinstance(slot, str) or slot in tracker.slots_to_validate():
            return events
        if any(event.get("name") == slot for event in events):
            return events
        token = token_answer(tracker, self.form_name(), slot)
        return events if token is None else [*events, SlotSet(slot, token)]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The form's validation, unless the requested slot took a marked, unclear message that
        fails the step's rule: then the form rejects it (`refused_as_unclear`)."""
        slot = tracker.get_slot("requested_slot")
        candidates = tracker.slots_to_validate()
        if isinstance(slot, str) and slot in candidates:
            refused = refused_as_unclear(tracker, self.form_name(), slot, candidates[slot])
            if refused:
                return refused
        events: list[EventType] = await super().get_validation_events(dispatcher, tracker, domain)
        return events
