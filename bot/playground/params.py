"""Bot API request parameters, however they came: query string, JSON, form or multipart.

python-telegram-bot posts form fields (multipart when a file goes along) whose non-string values
are JSON-encoded strings ("123", "true", '{"inline_keyboard": ...}'); a JSON body carries native
values. `Params` reads both the same way and fails with Telegram's wording.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from bot.playground.errors import BotApiError, bad_request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    name: str
    filename: str | None
    data: bytes


@dataclass
class Params:
    """The parameters of one Bot API call."""

    values: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether the parameter was given at all (an empty value counts as given)."""
        return name in self.values or name in self.files

    def text(self, name: str) -> str | None:
        """A string parameter; numbers given as JSON are turned into their text."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str) -> int | None:
        """An integer parameter (JSON number or decimal text)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError as error:
            raise bad_request(f'field "{name}" must be of type Integer') from error

    def number(self, name: str) -> float | None:
        """A number parameter (the playground also accepts fractions for `timeout`)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Number')
        try:
            return float(value)
        except (TypeError, ValueError) as error:
            raise bad_request(f'field "{name}" must be of type Number') from error

    def flag(self, name: str) -> bool:
        """A Boolean parameter; absent means False."""
        value = self.values.get(name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0", ""):
            return False
        raise bad_request(f'field "{name}" must be of type Boolean')

    def json_value(self, name: str) -> Any:
        """A structured parameter (object or array), given natively or as a JSON string."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError as error:
            raise bad_request(f"can't parse {name} JSON object") from error

    def chat_id(self) -> int:
        """The target chat: an integer id (a "@username" names no chat here)."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise bad_request("chat not found") from error

    def message_id(self) -> int:
        """The `message_id` parameter, required."""
        message_id = self.integer("message_id")
        if message_id is None:
            if self.has("inline_message_id"):
                raise bad_request("inline messages are not supported by the playground")
            raise bad_request("message identifier is not specified")
        return message_id


def _merge(target: dict[str, Any], source: Mapping[str, Any] | MultiMapping[str]) -> None:
    for key in source:
        target[key] = source[key]


async def read_params(request: web.Request) -> Params:
    """Collect the call's parameters from the query string and the body."""
    values: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    _merge(values, request.query)
    if request.method != "POST" or not request.body_exists:
        return Params(values)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as error:
            raise BotApiError(400, "Bad Request: can't parse JSON object") from error
        if not isinstance(body, dict):
            raise BotApiError(400, "Bad Request: can't parse JSON object")
        values.update(body)
        return Params(values)
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(key, value.filename, value.file.read())
            elif isinstance(value, bytes):
                files[key] = Upload(key, None, value)
            else:
                values[key] = value
    return Params(values, files)
