"""The registration's outcome codes (docs/registration.md): what its calls answer."""

from __future__ import annotations

from enum import StrEnum


class RegistrationCode(StrEnum):
    """The `code` of a registration `bank.outcome.Outcome`; the values are the documented ones."""

    ACTIVE = "active"
    ALREADY_REGISTERED = "already_registered"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    CANCELLED = "cancelled"
    CANNOT_GO_BACK = "cannot_go_back"
    COMPLETED = "completed"
    EXPIRED = "expired"
    INVALID = "invalid"
    LAST_ATTEMPT = "last_attempt"
    LOCKED = "locked"
    LOCKED_HELD = "locked_held"
    MALFORMED = (
        "malformed"  # a Token code that is not 6 ASCII digits (the format check comes first)
    )
    MISMATCH = "mismatch"
    MUST_ACCEPT = "must_accept"
    NO_ACTIVE_CODE = "no_active_code"
    NO_DEVICE = "no_device"
    NO_MOBILE = "no_mobile"
    NONE = "none"
    OK = "ok"
    RESTARTED_INACTIVE = "restarted_inactive"
    RESUMED = "resumed"
    REUSED = "reused"
    SENT = "sent"
    STARTED = "started"
    TAKEN = "taken"
    TOO_MANY_CODES = "too_many_codes"
    TOO_SOON = "too_soon"
    USERNAME_TAKEN = "username_taken"
    WRONG = "wrong"
    WRONG_CREDENTIALS = "wrong_credentials"
    WRONG_STEP = "wrong_step"
