"""Server-sent events that keep the queue and a ticket's transcript live without reloads.

Every EVENT_SECONDS the stream checks the session (without counting it as activity: an agent who
only watches is still signed out when idle) and sends the fragment again when it changed. When the
session has ended it sends `signed_out` and stops; the page then goes to the sign-in form.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from bank.assist.desk_sessions import ActiveSession
from desk.queue_page import queue_fragment
from desk.services import DeskServices
from desk.ticket_page import holds, transcript_fragment
from desk.web import SESSION_COOKIE, message_page

Fragment = Callable[[ActiveSession], Awaitable[str | None]]
SessionCheck = Callable[[], Awaitable[ActiveSession | None]]


def sse_event(name: str, data: str) -> str:
    """One event in the text/event-stream format (every line of `data` prefixed)."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n"


async def event_stream(
    check: SessionCheck,
    fragment: Fragment,
    name: str,
    *,
    seconds: float,
    stopping: Callable[[], bool] = lambda: False,
) -> AsyncIterator[str]:
    """Send `name` with the fragment at once and whenever it changes; `signed_out` (then stop)
    when the session ends; `gone` (then stop) when there is nothing left to show. Ends quietly
    when the server is stopping (the browser reconnects to the next one)."""
    last: str | None = None
    while not stopping():
        active = await check()
        if active is None:
            yield sse_event("signed_out", "")
            return
        current = await fragment(active)
        if current is None:
            yield sse_event("gone", "")
            return
        if current != last:
            yield sse_event(name, current)
            last = current
        await asyncio.sleep(seconds)


def _stream(events: AsyncIterator[str]) -> StreamingResponse:
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


def _checker(request: Request, services: DeskServices) -> SessionCheck:
    token = request.cookies.get(SESSION_COOKIE)

    async def check() -> ActiveSession | None:
        return await run_in_threadpool(services.sessions.check, token=token, touch=False)

    return check


async def queue_events(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """GET /eventos/cola: the queue's fragment, live."""

    async def fragment(session: ActiveSession) -> str:
        return await run_in_threadpool(queue_fragment, services, session)

    events = event_stream(
        _checker(request, services),
        fragment,
        "queue",
        seconds=services.event_seconds,
        stopping=services.stopping.is_set,
    )
    return _stream(events)


async def ticket_events(
    request: Request, services: DeskServices, active: ActiveSession
) -> Response:
    """GET /eventos/tickets/{number}: the ticket's transcript, live, while the viewer may see it
    (the holder, or a supervisor)."""
    number: int = request.path_params["number"]

    def load(session: ActiveSession) -> str | None:
        ticket = services.customer.ticket(number=number)
        if ticket is None or not (holds(session, ticket) or session.principal.is_supervisor):
            return None
        return transcript_fragment(services, ticket)

    async def fragment(session: ActiveSession) -> str | None:
        return await run_in_threadpool(load, session)

    if await fragment(active) is None:
        return message_page(
            request, services, active, "desk_ticket_not_yours", status=403, ticket=number
        )
    events = event_stream(
        _checker(request, services),
        fragment,
        "transcript",
        seconds=services.event_seconds,
        stopping=services.stopping.is_set,
    )
    return _stream(events)
