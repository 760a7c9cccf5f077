"""The page's JSON API under /playground/api (docs/telegram.md); the tests and bench use it too.

Every POST must carry a JSON body with `Content-Type: application/json`: a browser sends that
cross-site only after a CORS preflight, which this server never grants.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

from aiohttp import web

from bot.playground.errors import CONFLICT, BotApiError, PageError
from bot.playground.keys import OUTBOX_READER_KEY, STATE_KEY
from bot.playground.personas import bot_user_json
from bot.playground.state import PlaygroundState

logger = logging.getLogger(__name__)

API: Final = "/playground/api"
MAX_WAIT_SECONDS: Final = 60.0
# error_code -> Telegram's description, for injected faults.
FAULT_DESCRIPTIONS: Final[dict[int, str]] = {
    400: "Bad Request: injected by the playground",
    403: "Forbidden: bot was blocked by the user",
    409: CONFLICT,
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _state(request: web.Request) -> PlaygroundState:
    return request.app[STATE_KEY]


def _user_id(request: web.Request) -> int:
    return int(request.match_info["user_id"])


def _number(request: web.Request, name: str, default: float) -> float:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as error:
        raise PageError(400, f"{name} must be a number") from error


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise PageError(415, "send a JSON body (Content-Type: application/json)")
    try:
        body = await request.json()
    except ValueError as error:
        raise PageError(400, "the body is not valid JSON") from error
    if not isinstance(body, dict):
        raise PageError(400, "the body must be a JSON object")
    return body


@web.middleware
async def page_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Turn a `PageError` into `{"error": reason}` with its HTTP status."""
    try:
        response: web.StreamResponse = await handler(request)
    except PageError as error:
        return web.json_response({"error": error.reason}, status=error.status)
    return response


async def bot_user(request: web.Request) -> web.Response:
    """GET the bot's User (its username makes t.me/<username>?start=... links openable)."""
    return web.json_response(bot_user_json())


async def personas(request: web.Request) -> web.Response:
    """GET personas."""
    return web.json_response([persona.as_json() for persona in _state(request).personas()])


def _optional_text(body: dict[str, Any], name: str, limit: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise PageError(400, f"{name} must be a string of at most {limit} characters")
    return value.strip() or None


async def add_persona(request: web.Request) -> web.Response:
    """POST a new test persona (role "guest"): a fresh private chat, e.g. one per test."""
    body = await _body(request)
    first_name = _optional_text(body, "first_name", 64)
    if first_name is None:
        raise PageError(400, "first_name is required")
    persona = _state(request).add_persona(
        first_name=first_name,
        last_name=_optional_text(body, "last_name", 64),
        phone=_optional_text(body, "phone", 32),
        description=_optional_text(body, "description", 200) or "Persona de prueba",
    )
    return web.json_response(persona.as_json(), status=201)


async def chats(request: web.Request) -> web.Response:
    """GET chats: one summary per persona (the page's list and its unread badges)."""
    return web.json_response(_state(request).chats_summary())


async def chat(request: web.Request) -> web.Response:
    """GET one chat, long-polling up to `wait` s until its version exceeds `since`."""
    state, user_id = _state(request), _user_id(request)
    since = int(_number(request, "since", 0))
    wait = min(max(_number(request, "wait", 0), 0.0), MAX_WAIT_SECONDS)
    await state.wait_chat(user_id, since, wait)
    return web.json_response(state.chat_snapshot(user_id))


async def post_message(request: web.Request) -> web.Response:
    """POST a message typed by the persona."""
    body = await _body(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise PageError(400, "text must be a string")
    update_id, message_id = _state(request).user_sends(_user_id(request), text)
    return web.json_response({"update_id": update_id, "message_id": message_id})


async def post_callback(request: web.Request) -> web.Response:
    """POST a tap on an inline button of a bot message."""
    body = await _body(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        raise PageError(400, "message_id must be an integer and data a string")
    update_id, query_id = _state(request).user_taps(_user_id(request), message_id, data)
    return web.json_response({"update_id": update_id, "callback_query_id": query_id})


async def redeliver(request: web.Request) -> web.Response:
    """POST: queue an update again with the same update_id."""
    await _body(request)  # JSON only, like every page POST (no cross-site form posts)
    update_id = int(request.match_info["update_id"])
    _state(request).updates.redeliver(update_id)
    return web.json_response({"update_id": update_id})


def _newest_first(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        messages,
        key=lambda item: (str(item.get("created_at") or ""), int(item.get("id") or 0)),
        reverse=True,
    )


async def outbox(request: web.Request) -> web.Response:
    """GET the bank's outbox (SMS and e-mail), newest first; read in a worker thread."""
    reader = request.app[OUTBOX_READER_KEY]
    if reader is None:
        return web.json_response([])
    try:
        messages = await asyncio.to_thread(reader)
    except Exception:  # the database may be missing or not migrated yet
        logger.warning("The playground could not read the bank's outbox", exc_info=True)
        raise PageError(503, "the bank's outbox cannot be read") from None
    return web.json_response(_newest_first(messages))


async def stats(request: web.Request) -> web.Response:
    """GET counts per Bot API method, errors, uploads and uploaded bytes."""
    return web.json_response(_state(request).stats.as_json())


def fault_from(body: dict[str, Any]) -> tuple[str, int, BotApiError]:
    """Read a fault request: method, count (default 1), error_code (default 429)."""
    method, count = body.get("method"), body.get("count", 1)
    code, retry_after = body.get("error_code", 429), body.get("retry_after", 1)
    description = body.get("description")
    if not isinstance(method, str) or not method:
        raise PageError(400, "method must name a Bot API method")
    if not isinstance(count, int) or count < 1:
        raise PageError(400, "count must be a positive integer")
    if not isinstance(code, int) or not 400 <= code <= 599:
        raise PageError(400, "error_code must be an HTTP error status")
    if not isinstance(retry_after, int) or retry_after < 1:
        raise PageError(400, "retry_after must be a positive integer")
    if description is None:
        template = FAULT_DESCRIPTIONS.get(code)
        if template is None:
            raise PageError(400, f"give a description for error_code {code}")
        description = template.format(retry_after=retry_after)
    if not isinstance(description, str):
        raise PageError(400, "description must be a string")
    parameters = {"retry_after": retry_after} if code == 429 else None
    return method, count, BotApiError(code, description, parameters)


async def add_fault(request: web.Request) -> web.Response:
    """POST: fail the next `count` calls of a method."""
    method, count, error = fault_from(await _body(request))
    state = _state(request)
    state.faults.inject(method, count, error)
    return web.json_response(state.faults.pending())


async def list_faults(request: web.Request) -> web.Response:
    """GET the faults still to fire."""
    return web.json_response(_state(request).faults.pending())


async def clear_faults(request: web.Request) -> web.Response:
    """DELETE every pending fault."""
    _state(request).faults.clear()
    return web.json_response([])


async def page_file(request: web.Request) -> web.Response:
    """GET a photo by file_id, for the page."""
    stored = _state(request).files.by_id(request.match_info["file_id"])
    if stored is None:
        raise PageError(404, "no such file")
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type,
        headers={"Cache-Control": "private, max-age=86400, immutable"},
    )


def add_page_api_routes(app: web.Application) -> None:
    """Mount the page API and the page's file endpoint."""
    app.router.add_get(f"{API}/bot", bot_user)
    app.router.add_get(f"{API}/personas", personas)
    app.router.add_post(f"{API}/personas", add_persona)
    app.router.add_get(f"{API}/chats", chats)
    app.router.add_get(f"{API}/chats/{{user_id:\\d+}}", chat)
    app.router.add_post(f"{API}/chats/{{user_id:\\d+}}/messages", post_message)
    app.router.add_post(f"{API}/chats/{{user_id:\\d+}}/callbacks", post_callback)
    app.router.add_post(f"{API}/updates/{{update_id:\\d+}}/redeliver", redeliver)
    app.router.add_get(f"{API}/outbox", outbox)
    app.router.add_get(f"{API}/stats", stats)
    app.router.add_get(f"{API}/faults", list_faults)
    app.router.add_post(f"{API}/faults", add_fault)
    app.router.add_delete(f"{API}/faults", clear_faults)
    app.router.add_get("/playground/files/{file_id}", page_file)
