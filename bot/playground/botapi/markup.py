"""Text, entities and keyboards of a Bot API call, checked and worded as Telegram does."""

from __future__ import annotations

from typing import Any, Final

from bot.playground.entities import EntityParseError, parse_html, utf16_length
from bot.playground.errors import JSON, bad_request
from bot.playground.messages import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH
from bot.playground.params import Params

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
