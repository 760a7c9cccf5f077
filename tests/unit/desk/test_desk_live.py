"""The live queue and transcript (server-sent events): the first event carries the fragment, a
change is sent again, an ended session gets `signed_out` and the stream stops."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from desk_support import (
    CHAT,
    LAURA_LOGIN,
    LAURA_PASSWORD,
    PAULA_LOGIN,
    PAULA_PASSWORD,
    add_laura,
    desk_audit,
    open_ticket,
    signed_in,
)
from starlette.testclient import TestClient

from bank.assist.desk_accounts import DeskPrincipal
from bank.assist.desk_sessions import ActiveSession
from bank.bootstrap import Bank
from desk.events import event_stream, sse_event

ACTIVE = ActiveSession(DeskPrincipal("paula", "agent", "1005", "Paula"), "csrf")


def _first_event(client: TestClient, path: str) -> tuple[str, str]:
    """The first event of a stream (name, data), then the stream is closed."""
    with client.stream("GET", path) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        name, data = "", []
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data.append(line[len("data: ") :])
            elif not line and name:
                return name, "\n".join(data)
    raise AssertionError("the stream ended without an event")


def test_the_queue_stream_sends_the_queue(client: TestClient, bank: Bank) -> None:
    number = open_ticket(bank, CHAT)
    signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    name, data = _first_event(client, "/eventos/cola")
    assert name == "queue" and f'id="tomar-{number}"' in data and "En espera (1)" in data
    views = [r.subject for r in desk_audit(bank) if r.action == "desk.view"]
    assert views == ["/", "/eventos/cola"]


def test_the_transcript_stream_is_for_the_holder(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    add_laura(bank)
    bank.transcripts.append(sender_id=CHAT, role="cliente", text="necesito ayuda")
    number = open_ticket(bank, CHAT)
    paula, laura = new_client(), new_client()
    token = signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD)
    paula.post(f"/tickets/{number}/tomar", data={"csrf": token})
    name, data = _first_event(paula, f"/eventos/tickets/{number}")
    assert name == "transcript" and "necesito ayuda" in data
    signed_in(laura, LAURA_LOGIN, LAURA_PASSWORD)
    assert laura.get(f"/eventos/tickets/{number}").status_code == 403


def test_a_stream_sends_changes_only_and_stops_when_the_session_ends() -> None:
    fragments = iter(["a", "a", "b", "b"])
    sessions = iter([ACTIVE, ACTIVE, ACTIVE, ACTIVE, None])

    async def check() -> ActiveSession | None:
        return next(sessions)

    async def fragment(active: ActiveSession) -> str | None:
        return next(fragments)

    async def collect() -> list[str]:
        return [event async for event in event_stream(check, fragment, "queue", seconds=0)]

    assert asyncio.run(collect()) == [
        sse_event("queue", "a"),
        sse_event("queue", "b"),
        sse_event("signed_out", ""),
    ]


def test_a_stream_stops_when_the_ticket_is_gone() -> None:
    async def check() -> ActiveSession | None:
        return ACTIVE

    async def fragment(active: ActiveSession) -> str | None:
        return None

    async def collect() -> list[str]:
        return [event async for event in event_stream(check, fragment, "x", seconds=0)]

    assert asyncio.run(collect()) == [sse_event("gone", "")]


def test_a_stream_ends_when_the_server_stops() -> None:
    stops = iter([False, True])

    async def check() -> ActiveSession | None:
        return ACTIVE

    async def fragment(active: ActiveSession) -> str | None:
        return "queue"

    async def collect() -> list[str]:
        stream = event_stream(check, fragment, "queue", seconds=0, stopping=lambda: next(stops))
        return [event async for event in stream]

    assert asyncio.run(collect()) == [sse_event("queue", "queue")]


def test_every_line_of_an_event_is_data() -> None:
    assert sse_event("queue", "<p>\n</p>") == "event: queue\ndata: <p>\ndata: </p>\n\n"
