"""Which form slot carries the user's answer for each step of the bank's registration journey."""

from __future__ import annotations

FORM_NAME = "registration_form"

# Bank step -> the form slot that asks for it (see docs/registration.md).
SLOT_FOR_STEP: dict[str, str] = {
    "identity_number": "id_number",
    "additional_user_question": "is_additional_user",
    "additional_cedula": "additional_cedula",
    "pin": "pin_ref",
    "contact_confirmation": "contact_decision",
    "otp": "otp_ref",
    "username": "username",
    "username_confirmation": "username_confirmation",
    "password": "password_ref",
    "password_confirmation": "password_confirmation_ref",
    "security_image": "security_image",
    "home_phone": "home_phone",
    "work_phone": "work_phone",
    "challenge_first_name": "challenge_first_name_ref",
    "challenge_mother_surname": "challenge_mother_surname_ref",
    "challenge_father_surname": "challenge_father_surname_ref",
    "terms": "terms_decision",
    "smart_device": "has_smart_device",
    "second_factor": "second_factor_choice",
    "token_activation": "token_activation_choice",
    "token_code": "token_code_ref",
}

FORM_SLOTS: tuple[str, ...] = tuple(SLOT_FOR_STEP.values())


def slot_for_step(step: str | None) -> str | None:
    """Return the slot the form must ask for at `step`, or None when the form is over."""
    if step is None:
        return None
    return SLOT_FOR_STEP.get(str(step))


def is_true(value: object) -> bool:
    """Interpret a yes/no slot value filled from an intent mapping."""
    return value is True or (isinstance(value, str) and value.lower() in {"true", "yes", "si"})
