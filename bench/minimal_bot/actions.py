"""The minimal form bot's only custom action: validate the cédula of `registration_form`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

try:
    from stdnum.ec.ci import is_valid as _stdnum_is_valid
except ImportError:  # pragma: no cover - stdnum is in .venv; the digit check is the fallback
    _stdnum_is_valid = None


def is_valid_cedula(text: str) -> bool:
    """Ten digits with a valid Ecuadorian check digit (or just ten digits without stdnum)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 10:
        return False
    return bool(_stdnum_is_valid(digits)) if _stdnum_is_valid else True


class ValidateRegistrationForm(FormValidationAction):
    """Validates the slots of `registration_form`."""

    def name(self) -> str:
        return "validate_registration_form"

    def validate_cedula(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Keep the cédula's digits if valid; otherwise say so and ask again."""
        text = str(slot_value or "")
        if is_valid_cedula(text):
            return {"cedula": "".join(ch for ch in text if ch.isdigit())}
        dispatcher.utter_message(response="utter_invalid_cedula")
        return {"cedula": None}
