"""How each bank outcome of a registration step is told to the user (response names only)."""

from __future__ import annotations

from collections.abc import Mapping

from rasa_sdk.executor import CollectingDispatcher

from actions.common.replies import utter
from bank.outcome import Outcome
from bank.registration.outcome import RegistrationCode

IDENTITY_REPLIES = {
    "locked": "utter_identity_locked",
    "locked_held": "utter_identity_locked_held",
}
PIN_REPLIES = {
    **IDENTITY_REPLIES,
    "wrong_credentials": "utter_wrong_credentials",
    "last_attempt": "utter_wrong_credentials_last_attempt",
    "no_mobile": "utter_no_mobile_on_file",
    "already_registered": "utter_already_registered",
}
OTP_SEND_REPLIES = {
    "sent": "utter_otp_sent",
    "too_soon": "utter_otp_too_soon",
    "too_many_codes": "utter_otp_too_many_codes",
    "attempts_exhausted": "utter_otp_attempts_exhausted",
}
OTP_ENTRY_REPLIES = {
    "ok": "utter_otp_verified",
    "wrong": "utter_otp_wrong",
    "expired": "utter_otp_expired",
    "no_active_code": "utter_otp_no_active_code",
    "attempts_exhausted": "utter_otp_attempts_exhausted",
}
USERNAME_REPLIES = {"ok": "utter_username_available", "taken": "utter_username_taken"}
USERNAME_CONFIRMATION_REPLIES = {"mismatch": "utter_username_mismatch"}
PASSWORD_CONFIRMATION_REPLIES = {"mismatch": "utter_password_mismatch"}
TERMS_REPLIES = {"must_accept": "utter_terms_must_accept"}
SMART_DEVICE_REPLIES = {"no_device": "utter_no_device_later"}
TOKEN_CODE_REPLIES = {
    "ok": "utter_token_activated",
    "wrong": "utter_token_wrong",
    "reused": "utter_token_reused",
}

# `invalid` outcomes carry a reason; these reasons have one response whatever the field.
FIELD_INDEPENDENT_REASONS = {
    "pin_format",
    "otp_format",
    "phone_format",
    "answer_format",
    "unknown_image",
}


def invalid_response(field: str, reason: str) -> str:
    """Name the response that explains why `field` was refused for `reason`."""
    if reason in FIELD_INDEPENDENT_REASONS:
        return f"utter_invalid_{reason}"
    return f"utter_invalid_{field}_{reason}"


def tell_outcome(
    dispatcher: CollectingDispatcher,
    outcome: Outcome,
    replies: Mapping[str, str],
    *,
    field: str,
) -> None:
    """Send the response for `outcome`: `invalid` by reason, other codes by `replies`."""
    if outcome.code == RegistrationCode.INVALID:
        reason = str(outcome.data.get("reason", "format"))
        utter(dispatcher, invalid_response(field, reason))
        return
    response = replies.get(outcome.code)
    if response:
        utter(dispatcher, response, outcome.data)
