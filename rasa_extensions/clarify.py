"""AmbiguityMarker: Rasa's last NLU component, marking a message that fits two or more topics.

It never changes the intent (the NLU figures and the forms' slot mappings stay as they are): it
adds the entity `ambiguous` whose value is the candidates' keys, space-separated
("faq/otp_validity faq/mini_activation_code"). Which messages, and why, is
`rasa_extensions/ambiguity.py`; what the assistant then says is `action_clarify`.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from rasa_extensions.ambiguity import FAQ, candidates

ENTITY = "ambiguous"
RESPONSE_SELECTOR = "response_selector"


def _selector_ranking(message: Message) -> list[dict[str, Any]]:
    """The ResponseSelector's topics for the FAQ intent, best first (empty when none)."""
    selectors = message.get(RESPONSE_SELECTOR) or {}
    selected = selectors.get(FAQ) or selectors.get("default") or {}
    return list(selected.get("ranking") or [])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AmbiguityMarker(GraphComponent):
    """Adds the entity `ambiguous` (candidate keys) to a message that fits several topics."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """How close the top two intents or FAQ topics must be to ask which one."""
        return {"intent_threshold": 0.1, "intent_minimum": 0.2, "topic_threshold": 0.1}

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AmbiguityMarker:
        """A new marker (nothing to train)."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark each message that fits two or more topics."""
        for message in messages:
            self._mark(message)
        return messages

    def _mark(self, message: Message) -> None:
        text = str(message.get(TEXT) or "")
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        found = candidates(
            text,
            intent,
            list(message.get(INTENT_RANKING_KEY) or []),
            _selector_ranking(message),
            intent_threshold=float(self.config["intent_threshold"]),
            intent_minimum=float(self.config["intent_minimum"]),
            topic_threshold=float(self.config["topic_threshold"]),
        )
        if not found:
            return
        entity = {
            "entity": ENTITY,
            "value": " ".join(found),
            "start": 0,
            "end": len(text),
            "confidence": 1.0,
            "extractor": type(self).__name__,
        }
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
