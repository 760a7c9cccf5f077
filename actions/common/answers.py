"""The user's answer to a form step, and reading a secret the channel boxed for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import utter


@dataclass(frozen=True)
class Answer:
    """The answer being handled and where to reply."""

    sender_id: str
    value: Any
    dispatcher: CollectingDispatcher
    domain: Mapping[str, Any] = field(default_factory=dict)


Handler = Callable[[Answer], Awaitable[None]]


async def take_secret(answer: Answer, kind: str) -> str | None:
    """Read (and destroy) the secret the channel boxed; tell the user when it is gone."""
    secret = await in_thread(
        current_bank().secret_box.take, ref=str(answer.value), sender_id=answer.sender_id, kind=kind
    )
    if secret is None:
        utter(answer.dispatcher, "utter_secret_expired")
    return secret


def is_button_payload(value: object) -> bool:
    """A button's payload ("/intent…") that reached a free-text step: a tap elsewhere in the chat,
    never the answer (typed text starting with "/" is refused by the channel)."""
    return str(value or "").lstrip().startswith("/")
