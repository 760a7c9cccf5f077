"""How the playground fails: Bot API errors worded as Telegram words them, and page API errors."""

from __future__ import annotations

from typing import Any, Final

JSON = dict[str, Any]

NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
QUERY_INVALID: Final = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE: Final = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)


class BotApiError(Exception):
    """A Bot API failure, worded and numbered as Telegram does."""

    def __init__(self, error_code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def as_json(self) -> JSON:
        """The Bot API's error body."""
        body: JSON = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> BotApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return BotApiError(400, f"Bad Request: {detail}")


class PageError(Exception):
    """A page API failure: an HTTP status and a short English reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
