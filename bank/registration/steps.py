"""The registration step machine: step names (docs/registration.md), order, data, going back."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class Step(StrEnum):
    """Where a registration journey is: the next thing asked, or how it ended."""

    IDENTITY_NUMBER = "identity_number"
    ADDITIONAL_USER_QUESTION = "additional_user_question"
    ADDITIONAL_CEDULA = "additional_cedula"
    PIN = "pin"
    CONTACT_CONFIRMATION = "contact_confirmation"
    OTP = "otp"
    USERNAME = "username"
    USERNAME_CONFIRMATION = "username_confirmation"
    PASSWORD = "password"  # noqa: S105
    PASSWORD_CONFIRMATION = "password_confirmation"  # noqa: S105
    SECURITY_IMAGE = "security_image"
    HOME_PHONE = "home_phone"
    WORK_PHONE = "work_phone"
    CHALLENGE_FIRST_NAME = "challenge_first_name"
    CHALLENGE_MOTHER_SURNAME = "challenge_mother_surname"
    CHALLENGE_FATHER_SURNAME = "challenge_father_surname"
    TERMS = "terms"
    SMART_DEVICE = "smart_device"
    SECOND_FACTOR = "second_factor"
    TOKEN_ACTIVATION = "token_activation"  # noqa: S105
    TOKEN_CODE = "token_code"  # noqa: S105
    FINISH = "finish"
    COMPLETED = "completed"
    ENDED = "ended"
    CANCELLED = "cancelled"


STEP_ORDER: tuple[Step, ...] = tuple(Step)
TERMINAL_STEPS = frozenset({Step.COMPLETED, Step.ENDED, Step.CANCELLED})
IDENTITY_STEPS = frozenset(
    {Step.IDENTITY_NUMBER, Step.ADDITIONAL_USER_QUESTION, Step.ADDITIONAL_CEDULA, Step.PIN}
)
# Steps after the PIN was accepted: the customer is known from here on.
VERIFIED_STEPS = frozenset(STEP_ORDER[STEP_ORDER.index(Step.CONTACT_CONFIRMATION) :]) - (
    TERMINAL_STEPS
)

CHALLENGE_STEPS: Mapping[str, Step] = {
    "first_name": Step.CHALLENGE_FIRST_NAME,
    "mother_surname": Step.CHALLENGE_MOTHER_SURNAME,
    "father_surname": Step.CHALLENGE_FATHER_SURNAME,
}

# Journey data written when the journey leaves each step; going back to a step forgets what it
# and every later step wrote.
STEP_DATA_KEYS: Mapping[Step, tuple[str, ...]] = {
    Step.IDENTITY_NUMBER: ("id_kind", "id_number"),
    Step.ADDITIONAL_USER_QUESTION: ("is_additional",),
    Step.ADDITIONAL_CEDULA: ("additional_cedula",),
    Step.PIN: ("identity_verified_at",),
    Step.OTP: ("otp_verified_at",),
    Step.USERNAME: ("username",),
    Step.PASSWORD: ("password_hash",),
    Step.SECURITY_IMAGE: ("security_image",),
    Step.HOME_PHONE: ("home_phone",),
    Step.WORK_PHONE: ("work_phone",),
    Step.CHALLENGE_FIRST_NAME: ("challenge_first_name_hash",),
    Step.CHALLENGE_MOTHER_SURNAME: ("challenge_mother_surname_hash",),
    Step.CHALLENGE_FATHER_SURNAME: ("challenge_father_surname_hash",),
    Step.TERMS: ("terms_accepted_at",),
    Step.SMART_DEVICE: ("has_smart_device",),
    Step.SECOND_FACTOR: ("second_factor",),
    Step.TOKEN_ACTIVATION: ("token_secret_encrypted", "token_last_timestep"),
    Step.TOKEN_CODE: ("token_active",),
    Step.FINISH: ("finish_from", "rejoin_finish"),
}

_PREVIOUS: Mapping[Step, Step] = {
    Step.ADDITIONAL_USER_QUESTION: Step.IDENTITY_NUMBER,
    Step.ADDITIONAL_CEDULA: Step.ADDITIONAL_USER_QUESTION,
    Step.CONTACT_CONFIRMATION: Step.IDENTITY_NUMBER,
    Step.OTP: Step.CONTACT_CONFIRMATION,
    Step.USERNAME_CONFIRMATION: Step.USERNAME,
    Step.PASSWORD: Step.USERNAME,
    Step.PASSWORD_CONFIRMATION: Step.PASSWORD,
    Step.SECURITY_IMAGE: Step.PASSWORD,
    Step.HOME_PHONE: Step.SECURITY_IMAGE,
    Step.WORK_PHONE: Step.HOME_PHONE,
    Step.CHALLENGE_FIRST_NAME: Step.WORK_PHONE,
    Step.CHALLENGE_MOTHER_SURNAME: Step.CHALLENGE_FIRST_NAME,
    Step.CHALLENGE_FATHER_SURNAME: Step.CHALLENGE_MOTHER_SURNAME,
    Step.TERMS: Step.CHALLENGE_FATHER_SURNAME,
    Step.SMART_DEVICE: Step.TERMS,
    Step.SECOND_FACTOR: Step.SMART_DEVICE,
    Step.TOKEN_ACTIVATION: Step.SECOND_FACTOR,
    Step.TOKEN_CODE: Step.TOKEN_ACTIVATION,
}


def previous_step(step: Step, data: Mapping[str, Any]) -> Step | None:
    """The step one back from `step`, or None where going back is not allowed."""
    if step == Step.PIN:
        if data.get("id_kind") != "company_ruc":
            return Step.IDENTITY_NUMBER
        if data.get("is_additional"):
            return Step.ADDITIONAL_CEDULA
        return Step.ADDITIONAL_USER_QUESTION
    if step == Step.FINISH:
        origin = data.get("finish_from")
        return Step(origin) if origin in {s.value for s in Step} else None
    return _PREVIOUS.get(step)


def keys_from(step: Step) -> list[str]:
    """Data keys written at `step` and at every later step."""
    start = STEP_ORDER.index(step)
    return [key for later in STEP_ORDER[start:] for key in STEP_DATA_KEYS.get(later, ())]


def is_before(step: Step, other: Step) -> bool:
    """True when `step` comes before `other` in the journey."""
    return STEP_ORDER.index(step) < STEP_ORDER.index(other)
