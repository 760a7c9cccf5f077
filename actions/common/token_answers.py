"""A one-word answer at a free-text step is the answer when it passes the step's rules.

NLU reads some usernames as questions ("comoestas88", "andreanavegador" hold "como" and
"donde"): their intent is in the slot's `not_intent` list, so the form would answer an FAQ
instead. A journey form takes such a message as the step's answer when it is a single token that
passes the step's own format rule (bank/validators.py, the same rule the bank applies), whatever
the intent, unless the customer steers ("cancelar", "regresar", "sigamos", an agent, help).
Real questions have spaces or question marks and fail the rules, so they are still answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from rasa_sdk import Tracker

from actions.common.latest_message import latest_intent, latest_text, validates_the_message
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
# The step's format rule per free-text slot of the journey forms (the bank checks everything
# again). A slot of a bank-journey form missing here (a child's name at `parent_child`, chosen
# with buttons) keeps the plain `not_intent` behaviour.
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
    if latest_intent(tracker) in STEERING_INTENTS:
        return None
    token = single_token(latest_text(tracker))
    return token if token is not None and rule(token) else None
