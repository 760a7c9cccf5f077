"""Fakes shared by the channel tests: a scripted Rasa behind httpx.MockTransport, a secret store."""

from __future__ import annotations

import json
from typing import Any

import httpx

RASA_URL = "http://rasa.test:5005"


class FakeRasa:
    """Records every request Rasa receives and answers with scripted replies."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.raw_bodies: list[bytes] = []
        self.paths: list[str] = []
        self.replies: list[list[dict[str, Any]]] = []
        self.default_reply: list[dict[str, Any]] = [{"recipient_id": "x", "text": "ok"}]
        self.down = False
        self.status = 200
        self.health_checks = 0
        # Senders whose messages are refused, as if Rasa were down for them only.
        self.down_for: set[str] = set()

    def reply_with(self, *items: dict[str, Any]) -> None:
        """Queue the answer to the next request."""
        self.replies.append(list(items))

    @property
    def messages(self) -> list[str]:
        """The "message" field of every request, in order."""
        return [body["message"] for body in self.received]

    def everything_received(self) -> str:
        """All raw bytes Rasa received, decoded, for searching secrets."""
        return b"\n".join(self.raw_bodies).decode()

    @staticmethod
    def _sender(request: httpx.Request) -> str | None:
        if request.method != "POST":
            return None
        sender = json.loads(request.content).get("sender")
        return sender if isinstance(sender, str) else None

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down or (self.down_for and self._sender(request) in self.down_for):
            raise httpx.ConnectError("connection refused", request=request)
        if request.method == "GET":
            self.health_checks += 1
            return httpx.Response(200, text="Hello from Rasa: 3.6.21")
        self.paths.append(request.url.path)
        self.raw_bodies.append(request.content)
        self.received.append(json.loads(request.content))
        if self.status != 200:
            return httpx.Response(self.status, text="boom")
        reply = self.replies.pop(0) if self.replies else self.default_reply
        return httpx.Response(200, json=reply)


class FakeSecretStore:
    """In-memory SecretStore: single use, bound to sender and kind, like bank's SecretBox."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[str, str, str]] = {}
        self.puts: list[tuple[str, str, str]] = []
        self.takes: list[tuple[str, str, str]] = []
        self.fail = False
        self._counter = 0

    def put(self, *, sender_id: str, kind: str, value: str) -> str:
        if self.fail:
            raise RuntimeError("database is locked")
        self._counter += 1
        ref = f"ref{self._counter:04d}"
        self.values[ref] = (sender_id, kind, value)
        self.puts.append((sender_id, kind, value))
        return ref

    def take(self, *, ref: str, sender_id: str, kind: str) -> str | None:
        self.takes.append((ref, sender_id, kind))
        entry = self.values.get(ref)
        if entry is None or entry[:2] != (sender_id, kind):
            return None
        del self.values[ref]
        return entry[2]
