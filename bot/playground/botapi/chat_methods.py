"""Bot API methods on chat messages: send, edit, delete, answer button taps, chat actions."""

from __future__ import annotations

from bot.playground.botapi.inputs import media_input, photo_input
from bot.playground.botapi.markup import any_markup, edit_markup, message_caption, message_text
from bot.playground.errors import JSON, BotApiError, bad_request
from bot.playground.messages import Content
from bot.playground.params import Params
from bot.playground.state import PlaygroundState


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


async def send_chat_action(state: PlaygroundState, params: Params) -> bool:
    """sendChatAction."""
    state.set_chat_action(params.chat_id(), params.text("action") or "")
    return True
