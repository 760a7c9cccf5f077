"""The assisted-mode outcome codes (docs/assist.md) and the answer to anyone not an agent."""

from __future__ import annotations

from enum import StrEnum

from bank.outcome import Outcome


class AssistCode(StrEnum):
    """The `code` of an assisted-mode `bank.outcome.Outcome`; the values are the documented ones.

    `resend_otp` passes the registration's own answer on: its code is a `RegistrationCode`.
    """

    ADDED = "added"
    ALREADY_TAKEN = "already_taken"
    ALREADY_WAITING = "already_waiting"
    CANCELLED = "cancelled"
    CANNOT_GO_BACK = "cannot_go_back"
    CLOSED = "closed"
    EMPTY = "empty"
    EXPIRED = "expired"
    FOLLOW_UP = "follow_up"
    FOUND = "found"
    HANDED_BACK = "handed_back"
    INVALID = "invalid"
    INVALID_IDENTITY = "invalid_identity"
    INVALID_JOURNEY = "invalid_journey"
    INVALID_REASON = "invalid_reason"
    NO_JOURNEY = "no_journey"
    NO_MOBILE = "no_mobile"
    NO_TICKET = "no_ticket"
    NONE = "none"
    NOT_AGENT = "not_agent"
    NOT_LOCKED = "not_locked"
    NOT_YOURS = "not_yours"
    NOTED = "noted"
    OK = "ok"
    OPENED = "opened"
    REASON_REQUIRED = "reason_required"
    REMOVED = "removed"
    SENT = "sent"
    SWITCHED = "switched"
    TAKEN = "taken"
    UNKNOWN = "unknown"
    UNLOCKED = "unlocked"
    UPDATED = "updated"
    WAITING = "waiting"
    WITH_AGENT = "with_agent"


NOT_AGENT = Outcome(AssistCode.NOT_AGENT)
