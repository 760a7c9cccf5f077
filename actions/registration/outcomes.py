"""How each bank outcome of a registration step is told to the user (response names only)."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common.replies import Replies, utter
from bank.outcome import Outcome
from bank.registration.outcome import RegistrationCode

IDENTITY_REPLIES: Replies = {
    RegistrationCode.LOCKED: "utter_identity_locked",
    RegistrationCode.LOCKED_HELD: "utter_identity_locked_held",
}
PIN_REPLIES: Replies = {
    **IDENTITY_REPLIES,
    RegistrationCode.WRONG_CREDENTIALS: "utter_wrong_credentials",
    RegistrationCode.LAST_ATTEMPT: "utter_wrong_credentials_last_attempt",
    RegistrationCode.NO_MOBILE: "utter_no_mobile_on_file",
    RegistrationCode.ALREADY_REGISTERED: "utter_already_registered",
}
OTP_SEND_REPLIES: Replies = {
    RegistrationCode.SENT: "utter_otp_sent",
    RegistrationCode.TOO_SOON: "utter_otp_too_soon",
    RegistrationCode.TOO_MANY_CODES: "utter_otp_too_many_codes",
    RegistrationCode.ATTEMPTS_EXHAUSTED: "utter_otp_attempts_exhausted",
}
OTP_ENTRY_REPLIES: Replies = {
    RegistrationCode.OK: "utter_otp_verified",
    RegistrationCode.WRONG: "utter_otp_wrong",
    RegistrationCode.EXPIRED: "utter_otp_expired",
    RegistrationCode.NO_ACTIVE_CODE: "utter_otp_no_active_code",
    RegistrationCode.ATTEMPTS_EXHAUSTED: "utter_otp_attempts_exhausted",
}
USERNAME_REPLIES: Replies = {
    RegistrationCode.OK: "utter_username_available",
    RegistrationCode.TAKEN: "utter_username_taken",
}
USERNAME_CONFIRMATION_REPLIES: Replies = {RegistrationCode.MISMATCH: "utter_username_mismatch"}
PASSWORD_CONFIRMATION_REPLIES: Replies = {RegistrationCode.MISMATCH: "utter_password_mismatch"}
TERMS_REPLIES: Replies = {RegistrationCode.MUST_ACCEPT: "utter_terms_must_accept"}
SMART_DEVICE_REPLIES: Replies = {RegistrationCode.NO_DEVICE: "utter_no_device_later"}
TOKEN_CODE_REPLIES: Replies = {
    RegistrationCode.OK: "utter_token_activated",
    RegistrationCode.WRONG: "utter_token_wrong",
    RegistrationCode.REUSED: "utter_token_reused",
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
    replies: Replies,
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
