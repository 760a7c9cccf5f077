"""The Bot API stand-in: `/bot<token>/<method>` answered the way api.telegram.org answers.

Only the methods the assistant uses are implemented (docs/telegram.md lists them); any other
method is a logged 404, so a new call in the bot shows up at once instead of half-working.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

import aiohttp
from aiohttp import web
from yarl import URL

from bot.playground.entities import EntityParseError, parse_html, utf16_length
from bot.playground.keys import STATE_KEY, TOKEN_KEY
from bot.playground.params import Params, read_params
from bot.playground.personas import get_me_json
from bot.playground.state import (
    DEFAULT_MAX_CONNECTIONS,
    JSON,
    MAX_CAPTION_LENGTH,
    MAX_MEDIA_BYTES,
    MAX_PHOTO_BYTES,
    MAX_TEXT_LENGTH,
    MEDIA_KINDS,
    BotApiError,
    Content,
    PlaygroundState,
    StoredFile,
    WebhookConfig,
    bad_request,
)
from bot.sounds.mp3 import NotMp3Error, mp3_duration

logger = logging.getLogger(__name__)

URL_FETCH_TIMEOUT_SECONDS: Final = 5.0
# Inline button kinds Telegram knows; the playground acts on callback_data and url.
BUTTON_ACTIONS: Final = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
    "web_app",
)
BUTTON_URL_SCHEMES: Final = ("http://", "https://", "tg://")
SECRET_TOKEN_SHAPE: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_WEBHOOK_CONNECTIONS: Final = 100

MethodHandler = Callable[[PlaygroundState, Params], Awaitable[Any]]


# -- text, entities and keyboards --------------------------------------------------------------


def formatted(
    params: Params, text_field: str, entities_field: str
) -> tuple[str | None, tuple[JSON, ...], str | None]:
    """Text or caption after parse_mode: (plain text, entities, HTML source or None)."""
    text = params.text(text_field)
    if text is None:
        return None, (), None
    explicit = params.json_value(entities_field)
    if isinstance(explicit, list):
        return text, tuple(item for item in explicit if isinstance(item, dict)), None
    parse_mode = (params.text("parse_mode") or "").strip()
    if parse_mode.lower() == "html":
        try:
            plain, entities = parse_html(text)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from error
        return plain, tuple(entities), text
    if parse_mode and parse_mode.lower() not in ("markdown", "markdownv2"):
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    # Markdown is shown as typed: the assistant formats with HTML only.
    return text, (), None


def message_text(params: Params) -> tuple[str, tuple[JSON, ...], str | None]:
    """The `text` of sendMessage/editMessageText, checked like Telegram checks it."""
    text, entities, html = formatted(params, "text", "entities")
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    if utf16_length(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, entities, html


def message_caption(params: Params) -> tuple[str | None, tuple[JSON, ...], str | None]:
    """The optional `caption` of sendPhoto/editMessageCaption."""
    caption, entities, html = formatted(params, "caption", "caption_entities")
    if caption is not None and utf16_length(caption) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return caption or None, entities, html


def inline_keyboard(markup: Any) -> JSON:
    """Validate an InlineKeyboardMarkup and keep it as Telegram echoes it back."""
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    clean_rows: list[list[JSON]] = []
    for row in rows:
        clean_row: list[JSON] = []
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            actions = [key for key in BUTTON_ACTIONS if key in button]
            if len(actions) != 1:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = button.get("callback_data")
            if "callback_data" in button and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= 64
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            link = button.get("url")
            if "url" in button and (
                not isinstance(link, str) or not link.startswith(BUTTON_URL_SCHEMES)
            ):
                raise bad_request("BUTTON_URL_INVALID")
            clean_row.append(dict(button))
        clean_rows.append(clean_row)
    return {"inline_keyboard": clean_rows}


def reply_keyboard(markup: JSON) -> JSON:
    """Validate a ReplyKeyboardMarkup; buttons become {"text", ...} objects."""
    rows = markup.get("keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    clean_rows: list[list[JSON]] = []
    for row in rows:
        clean_row: list[JSON] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
            clean_row.append(dict(button))
        clean_rows.append(clean_row)
    keyboard: JSON = {"keyboard": clean_rows}
    for option in ("one_time_keyboard", "resize_keyboard", "is_persistent"):
        keyboard[option] = bool(markup.get(option))
    if isinstance(markup.get("input_field_placeholder"), str):
        keyboard["input_field_placeholder"] = markup["input_field_placeholder"]
    return keyboard


def any_markup(params: Params) -> tuple[JSON | None, JSON | None, bool]:
    """reply_markup of a send: (inline keyboard, reply keyboard, remove the reply keyboard)."""
    markup = params.json_value("reply_markup")
    if markup is None:
        return None, None, False
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return inline_keyboard(markup), None, False
    if "keyboard" in markup:
        return None, reply_keyboard(markup), False
    if markup.get("remove_keyboard"):
        return None, None, True
    if markup.get("force_reply"):
        return None, None, False
    raise bad_request("can't parse reply keyboard markup JSON object")


def edit_markup(params: Params) -> JSON | None:
    """reply_markup of an edit: only an inline keyboard; absent removes the keyboard."""
    markup = params.json_value("reply_markup")
    if markup is None or markup == {}:
        return None
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    keyboard = inline_keyboard(markup)
    return keyboard if keyboard["inline_keyboard"] else None


# -- photos ------------------------------------------------------------------------------------


def is_local_url(url: str) -> bool:
    """Whether `url` points at this machine (the only place the playground fetches from)."""
    host = URL(url).host or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def fetch_local_url(url: str, limit: int = MAX_PHOTO_BYTES) -> bytes:
    """Download a file given by URL; only loopback URLs, since the playground is offline."""
    if not is_local_url(url):
        logger.warning("a file by URL: the playground fetches only loopback URLs")
        raise bad_request("failed to get HTTP URL content")
    timeout = aiohttp.ClientTimeout(total=URL_FETCH_TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                raise bad_request("failed to get HTTP URL content")
            data = await response.content.read(limit + 1)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise bad_request("failed to get HTTP URL content") from error
    return data


async def photo_input(state: PlaygroundState, params: Params) -> StoredFile:
    """The `photo` of sendPhoto: an upload, an attach:// part, a file_id we issued, or a URL."""
    upload = params.files.get("photo")
    value = None if upload else (params.text("photo") or "").strip()
    if value and value.startswith("attach://"):
        upload = params.files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request("there is no photo in the request")
    if upload is not None:
        return state.store_photo(upload.data, uploaded=True)
    if not value:
        raise bad_request("there is no photo in the request")
    if value.startswith(("http://", "https://")):
        return state.store_photo(await fetch_local_url(value), uploaded=False)
    return known_file(state, value, "photo")


def known_file(state: PlaygroundState, file_id: str, kind: str) -> StoredFile:
    """A file_id the stand-in issued, for a method that sends this kind of file."""
    stored = state.file(file_id)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(
            f"can't use file of type {MEDIA_KINDS[stored.kind][0]} as {MEDIA_KINDS[kind][0]}"
        )
    return stored


def sound_duration(data: bytes) -> int:
    """Whole seconds an MP3 plays (rounded up), or 0 for another format."""
    try:
        return math.ceil(mp3_duration(data))
    except NotMp3Error:
        return 0


async def media_input(state: PlaygroundState, params: Params, kind: str) -> StoredFile:
    """The `animation`, `voice` or `audio` of its send method, taken like sendPhoto's `photo`."""
    upload = params.files.get(kind)
    value = None if upload else (params.text(kind) or "").strip()
    if value and value.startswith("attach://"):
        upload = params.files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request(f"there is no {kind} in the request")
    if upload is not None:
        data, uploaded, file_name = upload.data, True, upload.filename
    elif not value:
        raise bad_request(f"there is no {kind} in the request")
    elif value.startswith(("http://", "https://")):
        data, uploaded, file_name = await fetch_local_url(value, MAX_MEDIA_BYTES), False, None
    else:
        return known_file(state, value, kind)
    duration = params.integer("duration")
    if duration is None:
        duration = sound_duration(data) if kind in ("voice", "audio") else 0
    return state.store_media(
        data, kind=kind, uploaded=uploaded, duration=duration, file_name=file_name
    )


# -- methods -----------------------------------------------------------------------------------


async def get_me(state: PlaygroundState, params: Params) -> JSON:
    """getMe."""
    return get_me_json()


def allowed_updates_param(params: Params) -> list[str] | None:
    """The `allowed_updates` of getUpdates and setWebhook."""
    allowed = params.json_value("allowed_updates")
    if allowed is not None and not (
        isinstance(allowed, list) and all(isinstance(kind, str) for kind in allowed)
    ):
        raise bad_request("can't parse allowed_updates JSON object")
    return allowed


async def get_updates(state: PlaygroundState, params: Params) -> list[JSON]:
    """getUpdates: offset, limit, timeout (long-poll), allowed_updates; 409 under a webhook."""
    return await state.get_updates(
        offset=params.integer("offset") or 0,
        limit=params.integer("limit") or 100,
        timeout=params.number("timeout") or 0.0,
        allowed_updates=allowed_updates_param(params),
    )


def webhook_config(params: Params, hosts: frozenset[str]) -> WebhookConfig:
    """The webhook setWebhook asks for, checked like Telegram checks it (plus: local hosts only)."""
    url = (params.text("url") or "").strip()
    target = URL(url)
    if target.scheme not in ("http", "https") or not target.host:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if not is_local_url(url) and target.host not in hosts:
        # The playground is offline: it posts to this machine or to hosts it was told about.
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    secret = params.text("secret_token")
    if secret is not None and not SECRET_TOKEN_SHAPE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    connections = params.integer("max_connections") or DEFAULT_MAX_CONNECTIONS
    if not 1 <= connections <= MAX_WEBHOOK_CONNECTIONS:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    return WebhookConfig(url=url, secret_token=secret or None, max_connections=connections)


async def set_webhook(state: PlaygroundState, params: Params) -> bool:
    """setWebhook: url, secret_token, max_connections, allowed_updates, drop_pending_updates.

    An empty url removes the webhook. Setting the same webhook again (several bot instances
    behind one load balancer) changes nothing.
    """
    drop = params.flag("drop_pending_updates")
    if not (params.text("url") or "").strip():
        state.delete_webhook(drop_pending=drop)
        return True
    config = webhook_config(params, state.webhook_hosts)
    state.set_webhook(config, allowed_updates=allowed_updates_param(params), drop_pending=drop)
    return True


async def delete_webhook(state: PlaygroundState, params: Params) -> bool:
    """deleteWebhook: back to getUpdates; drop_pending_updates is honoured."""
    state.delete_webhook(drop_pending=params.flag("drop_pending_updates"))
    return True


async def get_webhook_info(state: PlaygroundState, params: Params) -> JSON:
    """getWebhookInfo: url, pending_update_count, last_error_date and last_error_message."""
    return state.webhook_info()


async def send_message(state: PlaygroundState, params: Params) -> JSON:
    """sendMessage."""
    chat_id = params.chat_id()
    state.chat(chat_id)
    text, entities, html = message_text(params)
    inline, keyboard, remove = any_markup(params)
    message = state.bot_send(
        chat_id,
        Content(text=text, entities=entities, html=html, reply_markup=inline),
        protect_content=params.flag("protect_content"),
        disable_notification=params.flag("disable_notification"),
        reply_keyboard=keyboard,
        remove_keyboard=remove,
    )
    return message.to_telegram()


async def send_photo(state: PlaygroundState, params: Params) -> JSON:
    """sendPhoto."""
    chat_id = params.chat_id()
    state.chat(chat_id)
    caption, entities, html = message_caption(params)
    inline, keyboard, remove = any_markup(params)
    photo = await photo_input(state, params)
    message = state.bot_send(
        chat_id,
        Content(caption=caption, caption_entities=entities, html=html, reply_markup=inline),
        photo=photo,
        protect_content=params.flag("protect_content"),
        disable_notification=params.flag("disable_notification"),
        reply_keyboard=keyboard,
        remove_keyboard=remove,
    )
    return message.to_telegram()


async def send_media(state: PlaygroundState, params: Params, kind: str) -> JSON:
    """sendAnimation, sendVoice and sendAudio: a file with an optional caption."""
    chat_id = params.chat_id()
    state.chat(chat_id)
    caption, entities, html = message_caption(params)
    inline, keyboard, remove = any_markup(params)
    media = await media_input(state, params, kind)
    message = state.bot_send(
        chat_id,
        Content(caption=caption, caption_entities=entities, html=html, reply_markup=inline),
        media=media,
        protect_content=params.flag("protect_content"),
        disable_notification=params.flag("disable_notification"),
        reply_keyboard=keyboard,
        remove_keyboard=remove,
    )
    return message.to_telegram()


async def send_animation(state: PlaygroundState, params: Params) -> JSON:
    """sendAnimation (a GIF is kept as it came; Telegram would convert it to MP4)."""
    return await send_media(state, params, "animation")


async def send_voice(state: PlaygroundState, params: Params) -> JSON:
    """sendVoice (OGG/Opus, MP3 or M4A on Telegram; the duration is read from an MP3)."""
    return await send_media(state, params, "voice")


async def send_audio(state: PlaygroundState, params: Params) -> JSON:
    """sendAudio."""
    return await send_media(state, params, "audio")


async def edit_message_text(state: PlaygroundState, params: Params) -> JSON:
    """editMessageText (without reply_markup the keyboard goes, as on Telegram)."""
    chat_id, message_id = params.chat_id(), params.message_id()
    text, entities, html = message_text(params)
    content = Content(text=text, entities=entities, html=html, reply_markup=edit_markup(params))
    return state.bot_edit_text(chat_id, message_id, content).to_telegram()


async def edit_message_caption(state: PlaygroundState, params: Params) -> JSON:
    """editMessageCaption."""
    chat_id, message_id = params.chat_id(), params.message_id()
    caption, entities, html = message_caption(params)
    content = Content(
        caption=caption, caption_entities=entities, html=html, reply_markup=edit_markup(params)
    )
    return state.bot_edit_caption(chat_id, message_id, content).to_telegram()


async def edit_message_reply_markup(state: PlaygroundState, params: Params) -> JSON:
    """editMessageReplyMarkup."""
    chat_id, message_id = params.chat_id(), params.message_id()
    return state.bot_edit_markup(chat_id, message_id, edit_markup(params)).to_telegram()


async def answer_callback_query(state: PlaygroundState, params: Params) -> bool:
    """answerCallbackQuery."""
    query_id = params.text("callback_query_id")
    if not query_id:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    state.answer_callback(
        query_id,
        text=params.text("text"),
        show_alert=params.flag("show_alert"),
        url=params.text("url"),
    )
    return True


async def delete_message(state: PlaygroundState, params: Params) -> bool:
    """deleteMessage."""
    state.bot_delete(params.chat_id(), params.message_id())
    return True


async def delete_messages(state: PlaygroundState, params: Params) -> bool:
    """deleteMessages: messages that cannot be found are skipped."""
    chat_id = params.chat_id()
    ids = params.json_value("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        try:
            state.bot_delete(chat_id, int(message_id))
        except BotApiError:
            continue
    return True


def command_list(params: Params) -> list[JSON]:
    """The `commands` of setMyCommands, checked like Telegram checks them."""
    commands = params.json_value("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    clean: list[JSON] = []
    for item in commands:
        name = item.get("command") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if (
            not isinstance(name, str)
            or not 1 <= len(name) <= 32
            or not all(char.islower() or char.isdigit() or char == "_" for char in name)
            or not name.isascii()
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name, "description": description})
    return clean


def command_scope(params: Params) -> JSON | None:
    """The `scope` of the *MyCommands methods."""
    scope = params.json_value("scope")
    if scope is not None and not (isinstance(scope, dict) and isinstance(scope.get("type"), str)):
        raise bad_request("can't parse BotCommandScope JSON object")
    return scope


async def set_my_commands(state: PlaygroundState, params: Params) -> bool:
    """setMyCommands."""
    state.set_commands(
        command_list(params), command_scope(params), params.text("language_code") or ""
    )
    return True


async def get_my_commands(state: PlaygroundState, params: Params) -> list[JSON]:
    """getMyCommands."""
    return state.get_commands(command_scope(params), params.text("language_code") or "")


async def delete_my_commands(state: PlaygroundState, params: Params) -> bool:
    """deleteMyCommands."""
    state.set_commands([], command_scope(params), params.text("language_code") or "")
    return True


async def send_chat_action(state: PlaygroundState, params: Params) -> bool:
    """sendChatAction."""
    state.set_chat_action(params.chat_id(), params.text("action") or "")
    return True


async def get_file(state: PlaygroundState, params: Params) -> JSON:
    """getFile."""
    stored = state.file(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.file_json()


async def always_true(state: PlaygroundState, params: Params) -> bool:
    """close and logOut: nothing to do locally."""
    return True


METHODS: Final[dict[str, MethodHandler]] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendAnimation": send_animation,
    "sendVoice": send_voice,
    "sendAudio": send_audio,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "answerCallbackQuery": answer_callback_query,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "sendChatAction": send_chat_action,
    "getFile": get_file,
    "close": always_true,
    "logOut": always_true,
}
# Telegram's method names are case-insensitive.
METHODS_BY_LOWER_NAME: Final = {name.lower(): name for name in METHODS}


# -- HTTP --------------------------------------------------------------------------------------


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
        state.record_call(requested[:64], ok=False)
        return api_error(BotApiError(404, "Not Found"))
    try:
        fault = state.take_fault(name)
        if fault is not None:
            raise fault
        result = await METHODS[name](state, await read_params(request))
    except BotApiError as error:
        state.record_call(name, ok=False)
        logger.info("%s failed: %s %s", name, error.error_code, error.description)
        return api_error(error)
    state.record_call(name, ok=True)
    return web.json_response({"ok": True, "result": result})


async def handle_file_download(request: web.Request) -> web.Response:
    """`/file/bot<token>/<file_path>`: the bytes behind a getFile answer."""
    stored = request.app[STATE_KEY].file_by_path(request.match_info["file_path"])
    if not token_matches(request) or stored is None:
        return api_error(BotApiError(404, "Not Found"))
    return web.Response(body=stored.data, content_type=stored.mime_type)


def add_bot_api_routes(app: web.Application) -> None:
    """Mount the Bot API and the file download endpoint."""
    app.router.add_get("/bot{token}/{method}", handle_method)
    app.router.add_post("/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", handle_file_download)
