"""Python client of the playground's page API, for end-to-end tests and the bench."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Final

import httpx

JSON = dict[str, Any]
ChatState = dict[str, Any]

LONG_POLL_SLICE_SECONDS: Final = 10.0
HTTP_MARGIN_SECONDS: Final = 10.0
DUMP_MESSAGES: Final = 8


class PlaygroundError(Exception):
    """The page API refused a request (its status and reason)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


def describe_chat(state: ChatState, last: int = DUMP_MESSAGES) -> str:
    """A readable dump of a chat's last messages (for failing tests)."""
    lines = [f"chat {state.get('user_id')} version {state.get('version')}:"]
    for message in state.get("messages", [])[-last:]:
        who = "bot " if message["from"] == "bot" else "user"
        flags = "".join(
            flag
            for flag, on in (
                (" [deleted]", message["deleted"]),
                (" [edited]", message["edited"]),
                (" [photo]", message["photo"]),
            )
            if on
        )
        body = message["text"] if message["text"] is not None else message["caption"] or ""
        buttons = " | ".join(button["text"] for row in message["buttons"] for button in row)
        lines.append(f"  #{message['message_id']} {who}{flags}: {body!r}")
        if buttons:
            lines.append(f"      buttons: {buttons}")
    return "\n".join(lines)


def bot_messages(state: ChatState) -> list[JSON]:
    """The bot's messages still shown in the chat."""
    return [m for m in state["messages"] if m["from"] == "bot" and not m["deleted"]]


def find_button(message: JSON, text: str) -> JSON:
    """The button of `message` whose text contains `text` (KeyError when there is none)."""
    for row in message["buttons"]:
        for button in row:
            if text in button["text"]:
                return dict(button)
    raise KeyError(f"no button {text!r} in message {message['message_id']}")


class PlaygroundClient:
    """Talks to a running playground at `base_url` (e.g. http://127.0.0.1:8080)."""

    def __init__(self, base_url: str, http: httpx.AsyncClient) -> None:
        self._base_url = base_url.rstrip("/")
        self._api = self._base_url + "/playground/api"
        self._http = http

    async def _call(self, method: str, path: str, *, timeout: float = 10.0, **kwargs: Any) -> Any:
        response = await self._http.request(method, self._api + path, timeout=timeout, **kwargs)
        if response.status_code >= 400:
            try:
                reason = str(response.json().get("error"))
            except ValueError:
                reason = response.text
            raise PlaygroundError(response.status_code, reason)
        return response.json()

    async def personas(self) -> list[JSON]:
        """The personas one can chat as."""
        result: list[JSON] = await self._call("GET", "/personas")
        return result

    async def add_persona(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        phone: str | None = None,
        description: str | None = None,
    ) -> JSON:
        """Create a test persona with a fresh chat (user id from 2001 up)."""
        body = {
            "first_name": first_name,
            "last_name": last_name,
            "phone": phone,
            "description": description,
        }
        result: JSON = await self._call("POST", "/personas", json=body)
        return result

    async def send_text(self, user_id: int, text: str) -> tuple[int | None, int]:
        """Type a message as `user_id`: (update_id, message_id)."""
        result = await self._call("POST", f"/chats/{user_id}/messages", json={"text": text})
        return result["update_id"], result["message_id"]

    async def tap(
        self, user_id: int, message_id: int, callback_data: str
    ) -> tuple[int | None, str]:
        """Tap an inline button: (update_id, callback_query_id)."""
        result = await self._call(
            "POST",
            f"/chats/{user_id}/callbacks",
            json={"message_id": message_id, "data": callback_data},
        )
        return result["update_id"], result["callback_query_id"]

    async def chat(self, user_id: int, since: int = 0, wait: float = 0) -> ChatState:
        """The chat's state; with `wait`, long-poll until its version exceeds `since`."""
        result: ChatState = await self._call(
            "GET",
            f"/chats/{user_id}",
            params={"since": since, "wait": wait},
            timeout=wait + HTTP_MARGIN_SECONDS,
        )
        return result

    async def photo_bytes(self, photo: str) -> bytes:
        """The bytes of a message's `photo` ("/playground/files/<file_id>")."""
        response = await self._http.get(self._base_url + photo, timeout=10.0)
        if response.status_code >= 400:
            raise PlaygroundError(response.status_code, "no such file")
        return response.content

    async def chats(self) -> list[JSON]:
        """One summary per chat."""
        result: list[JSON] = await self._call("GET", "/chats")
        return result

    async def redeliver(self, update_id: int) -> None:
        """Queue an update again with the same update_id."""
        await self._call("POST", f"/updates/{update_id}/redeliver", json={})

    async def outbox(self) -> list[JSON]:
        """The bank's SMS and e-mails, newest first."""
        result: list[JSON] = await self._call("GET", "/outbox")
        return result

    async def stats(self) -> JSON:
        """Counts per Bot API method, errors, uploads and uploaded bytes."""
        result: JSON = await self._call("GET", "/stats")
        return result

    async def inject_fault(
        self,
        method: str,
        *,
        count: int = 1,
        error_code: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> list[JSON]:
        """Fail the next `count` calls of a Bot API method; returns the pending faults."""
        body: JSON = {
            "method": method,
            "count": count,
            "error_code": error_code,
            "retry_after": retry_after,
        }
        if description is not None:
            body["description"] = description
        result: list[JSON] = await self._call("POST", "/faults", json=body)
        return result

    async def clear_faults(self) -> None:
        """Forget every pending fault."""
        await self._call("DELETE", "/faults")

    async def wait_for(
        self, user_id: int, predicate: Callable[[ChatState], bool], timeout: float = 10.0
    ) -> ChatState:
        """Long-poll the chat until `predicate(state)` holds; TimeoutError with a dump if not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        state = await self.chat(user_id)
        while not predicate(state):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"condition not met within {timeout:.1f} s\n{describe_chat(state)}"
                )
            state = await self.chat(
                user_id, since=state["version"], wait=min(remaining, LONG_POLL_SLICE_SECONDS)
            )
        return state
