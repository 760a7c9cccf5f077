"""The HTTP side of the Bot API stand-in: the method table, token check, faults, file download."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web

from bot.playground.botapi import bot_methods, chat_methods, update_methods
from bot.playground.errors import BotApiError
from bot.playground.keys import STATE_KEY, TOKEN_KEY
from bot.playground.params import Params, read_params
from bot.playground.state import PlaygroundState

logger = logging.getLogger(__name__)

MethodHandler = Callable[[PlaygroundState, Params], Awaitable[Any]]

METHODS: Final[dict[str, MethodHandler]] = {
    "getMe": bot_methods.get_me,
    "getUpdates": update_methods.get_updates,
    "setWebhook": update_methods.set_webhook,
    "deleteWebhook": update_methods.delete_webhook,
    "getWebhookInfo": update_methods.get_webhook_info,
    "sendMessage": chat_methods.send_message,
    "sendPhoto": chat_methods.send_photo,
    "sendAnimation": chat_methods.send_animation,
    "sendVoice": chat_methods.send_voice,
    "sendAudio": chat_methods.send_audio,
    "editMessageText": chat_methods.edit_message_text,
    "editMessageCaption": chat_methods.edit_message_caption,
    "editMessageReplyMarkup": chat_methods.edit_message_reply_markup,
    "answerCallbackQuery": chat_methods.answer_callback_query,
    "deleteMessage": chat_methods.delete_message,
    "deleteMessages": chat_methods.delete_messages,
    "setMyCommands": bot_methods.set_my_commands,
    "getMyCommands": bot_methods.get_my_commands,
    "deleteMyCommands": bot_methods.delete_my_commands,
    "sendChatAction": chat_methods.send_chat_action,
    "getFile": bot_methods.get_file,
    "close": bot_methods.always_true,
    "logOut": bot_methods.always_true,
}
# Telegram's method names are case-insensitive.
METHODS_BY_LOWER_NAME: Final = {name.lower(): name for name in METHODS}


def token_matches(request: web.Request) -> bool:
    """Whether the URL carries the playground's token (compared in constant time)."""
    given = request.match_info.get("token", "").encode()
    return hmac.compare_digest(given, request.app[TOKEN_KEY].encode())


def api_error(error: BotApiError) -> web.Response:
    """Telegram's error answer: HTTP status = error_code."""
    return web.json_response(error.as_json(), status=error.error_code)


async def handle_method(request: web.Request) -> web.Response:
    """`/bot<token>/<method>`: check the token, apply injected faults, run the method."""
    if not token_matches(request):
        return api_error(BotApiError(401, "Unauthorized"))
    state = request.app[STATE_KEY]
    requested = request.match_info["method"]
    name = METHODS_BY_LOWER_NAME.get(requested.lower())
    if name is None:
        logger.warning("The playground does not implement the Bot API method %r", requested[:64])
        state.stats.record_call(requested[:64], ok=False)
        return api_error(BotApiError(404, "Not Found"))
    try:
        fault = state.faults.take(name)
        if fault is not None:
            raise fault
        result = await METHODS[name](state, await read_params(request))
    except BotApiError as error:
        state.stats.record_call(name, ok=False)
        logger.info("%s failed: %s %s", name, error.error_code, error.description)
        return api_error(error)
    state.stats.record_call(name, ok=True)
    return web.json_response({"ok": True, "result": result})


async def handle_file_download(request: web.Request) -> web.Response:
    """`/file/bot<token>/<file_path>`: the bytes behind a getFile answer."""
    stored = request.app[STATE_KEY].files.by_path(request.match_info["file_path"])
    if not token_matches(request) or stored is None:
        return api_error(BotApiError(404, "Not Found"))
    return web.Response(body=stored.data, content_type=stored.mime_type)


def add_bot_api_routes(app: web.Application) -> None:
    """Mount the Bot API and the file download endpoint."""
    app.router.add_get("/bot{token}/{method}", handle_method)
    app.router.add_post("/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", handle_file_download)
