"""One small handler per kind of update: commands, typed text, taps, everything else."""

from __future__ import annotations

import logging
from typing import Final

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.chat_state.keyboards import ACTION_DONE, ACTION_PICK, ACTION_SEND, ACTION_UNDO, Tap
from bot.deep_links import DEEP_LINKS, START_PAYLOAD
from bot.rasa_outage import OnWaiting
from bot.secure_input import ChannelSecretKind, is_channel_secret_kind
from bot.telegram.assist.command_parsing import parse_agent_command
from bot.telegram.assist.commands import run_agent_command
from bot.telegram.delivery import deliver_turn
from bot.telegram.render import chat_key
from bot.telegram.services import BotServices, get_services
from bot.telegram.typing_indicator import typing
from bot.telegram.ui import html_text, progress, with_choice

logger = logging.getLogger(__name__)

# /start payloads (deep links t.me/<bot>?start=<payload>): DEEP_LINKS, in bot/deep_links.py.
HELP_PAYLOAD: Final = "/show_help"
CANCEL_PAYLOAD: Final = "/cancel"
SECRET_DELETED_NOTICE: Final = "secret_deleted"  # noqa: S105 (a notice name)


def rasa_metadata(update: Update) -> dict[str, object]:
    """What Rasa learns about the sender: the Telegram user id and language, nothing else."""
    user = update.effective_user
    return {
        "channel": "telegram",
        "telegram_user_id": user.id if user else None,
        "language": (user.language_code if user else None) or "es",
    }


async def _send_payload(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str, *, said: str | None = None
) -> None:
    """Send a payload the bot itself chose (a command, a tapped button) and render the answer.

    `said`: what the user saw themselves send (the typed command, the button's title), for the
    chat's transcript.
    """
    chat = update.effective_chat
    if chat is None:
        return
    services = get_services(context)
    metadata = rasa_metadata(update)
    async with typing(context.bot, chat.id):
        turn = await services.conversation.handle_button(
            chat_key(chat.id),
            payload,
            metadata,
            said=said,
            on_waiting=waiting_notice(context, chat.id),
        )
    await deliver_turn(context.bot, services, chat.id, turn, metadata)


def waiting_notice(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> OnWaiting:
    """Tells the chat "un momento" while its message waits for Rasa to come back."""

    async def tell() -> None:
        services = get_services(context)
        await context.bot.send_message(
            chat_id,
            html_text(services.texts.get("utter_channel_rasa_waiting")),
            parse_mode=ParseMode.HTML,
            disable_notification=await services.quiet.quiet(chat_key(chat_id)),
        )

    return tell


def _typed(update: Update) -> str | None:
    message = update.effective_message
    return message.text if message is not None else None


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, optionally with a deep-link payload that jumps into a journey."""
    argument = (context.args[0] if context.args else "").strip().lower()
    payload = DEEP_LINKS.get(argument, START_PAYLOAD)
    await _send_payload(update, context, payload, said=_typed(update))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ayuda: how the assistant works and how it protects secrets."""
    await _send_payload(update, context, HELP_PAYLOAD, said=_typed(update))


async def on_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancelar: stop the current journey."""
    await _send_payload(update, context, CANCEL_PAYLOAD, said=_typed(update))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed text (and unknown /commands): a secret, a refused injection, or a message."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    services = get_services(context)
    key = chat_key(chat.id)

    async def delete_secret() -> None:
        await _delete_message(message)
        if await services.state.first_notice(key, SECRET_DELETED_NOTICE):
            await context.bot.send_message(
                chat.id,
                html_text(services.texts.get("utter_channel_secret_deleted")),
                parse_mode=ParseMode.HTML,
                disable_notification=await services.quiet.quiet(key),
            )

    async def refuse_secret() -> None:
        # A PIN or code typed when none was asked for: gone from the chat, and a warning.
        await _delete_message(message)
        await context.bot.send_message(
            chat.id,
            html_text(services.texts.get("utter_channel_typed_secret_deleted")),
            parse_mode=ParseMode.HTML,
            disable_notification=await services.quiet.quiet(key),
        )

    metadata = rasa_metadata(update)
    async with typing(context.bot, chat.id):
        turn = await services.conversation.handle_text(
            key,
            message.text,
            metadata,
            on_secret=delete_secret,
            on_refused=refuse_secret,
            on_waiting=waiting_notice(context, chat.id),
        )
    await deliver_turn(context.bot, services, chat.id, turn, metadata)


async def _delete_message(message: Message) -> None:
    try:
        await message.delete()
    except TelegramError as exc:
        # Still never sent to Rasa; the user is told their message was read as a secret.
        logger.warning("could not delete a secret message (%s)", type(exc).__name__)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice notes...: say that only text is read."""
    chat = update.effective_chat
    if chat is not None:
        services = get_services(context)
        text = services.texts.get("utter_channel_text_only")
        await context.bot.send_message(
            chat.id,
            html_text(text),
            parse_mode=ParseMode.HTML,
            disable_notification=await services.quiet.quiet(chat_key(chat.id)),
        )


async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on an inline button: always answered; the keyboard shows the choice once."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    services = get_services(context)
    stale = services.texts.get("utter_channel_stale_button")
    tap = await services.state.resolve_tap(query.data or "", chat_key(chat.id))
    if tap is None or tap.keyboard_used:
        await query.answer(stale)
        return
    if tap.action == ACTION_SEND:
        # A button the bot made for an agent ("Tomar #12") runs the agent command, never Rasa.
        agent_command = parse_agent_command(tap.payload)
        if agent_command is not None and not await services.assist.is_agent(query.from_user.id):
            await query.answer(stale)
            return
        if not await services.state.use_keyboard(tap.keyboard_id):
            await query.answer(stale)
            return
        await query.answer()
        await _show_choice(
            query.message, services.texts.get("utter_channel_choice_made", choice=tap.title)
        )
        if agent_command is not None:
            await run_agent_command(context.bot, services, query.from_user.id, agent_command)
        else:
            await _send_payload(
                update, context, tap.payload, said=_tap_said(services, query.message, tap)
            )
    elif tap.action in (ACTION_PICK, ACTION_UNDO):
        await _change_picks(update, context, tap)
    elif tap.action == ACTION_DONE:
        await _submit_picks(update, context, tap)
    else:
        await query.answer(stale)


def _tap_said(services: BotServices, message: object, tap: Tap) -> str:
    """What a tap says in the transcript: the button's title, or "chose a picture" for a
    picture keyboard (the picture's name is not written down)."""
    if isinstance(message, Message) and message.photo:
        return services.texts.get("utter_channel_assist_picture_chosen")
    return tap.title


async def _change_picks(update: Update, context: ContextTypes.DEFAULT_TYPE, tap: Tap) -> None:
    query = update.callback_query
    assert query is not None
    services = get_services(context)
    result = await services.state.change_picks(
        tap.keyboard_id, add=tap.payload if tap.action == ACTION_PICK else None
    )
    if tap.action == ACTION_PICK and result.changed:
        await query.answer(services.texts.get("utter_channel_picked", number=len(result.picks)))
    else:
        await query.answer()
    if result.changed and isinstance(query.message, Message):
        caption = services.texts.get(
            "utter_channel_pick_many",
            choose=tap.choose,
            progress=progress(len(result.picks), tap.choose),
        )
        try:
            await query.message.edit_caption(
                html_text(caption),
                parse_mode=ParseMode.HTML,
                reply_markup=query.message.reply_markup,
            )
        except TelegramError as exc:
            logger.debug("could not show pick progress (%s)", type(exc).__name__)


async def _submit_picks(update: Update, context: ContextTypes.DEFAULT_TYPE, tap: Tap) -> None:
    query = update.callback_query
    assert query is not None
    services = get_services(context)
    picks = await services.state.picks(tap.keyboard_id)
    if len(picks) < tap.choose:
        missing = tap.choose - len(picks)
        await query.answer(
            services.texts.get("utter_channel_pick_missing", missing=missing), show_alert=True
        )
        return
    if tap.payload_template is None or not await services.state.use_keyboard(tap.keyboard_id):
        await query.answer(services.texts.get("utter_channel_stale_button"))
        return
    await query.answer()
    # The picks themselves are not shown again: only that the choice is complete.
    await _show_choice(
        query.message,
        services.texts.get("utter_channel_choice_made", choice=progress(len(picks), tap.choose)),
    )
    secret = tap.secret_kind
    if secret is None:
        payload = tap.payload_template.replace("%s", ",".join(picks))
        chosen = services.texts.get("utter_channel_assist_picture_chosen")
        await _send_payload(update, context, payload, said=chosen)
    elif is_channel_secret_kind(secret):
        await _send_secret(update, context, secret, ",".join(picks))
    else:
        logger.error("a keyboard's picks have an unknown secret kind; nothing sent")


async def _send_secret(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: ChannelSecretKind, value: str
) -> None:
    """Hand picks that are a secret to the secret store; Rasa gets only the reference."""
    chat = update.effective_chat
    if chat is None:
        return
    services = get_services(context)
    metadata = rasa_metadata(update)
    async with typing(context.bot, chat.id):
        turn = await services.conversation.handle_channel_secret(
            chat_key(chat.id),
            kind,
            value,
            metadata,
            on_waiting=waiting_notice(context, chat.id),
        )
    await deliver_turn(context.bot, services, chat.id, turn, metadata)


async def _show_choice(message: object, line: str) -> None:
    """Edit the tapped message: append the choice and remove its keyboard."""
    if not isinstance(message, Message):
        return
    try:
        if message.photo:
            await message.edit_caption(
                with_choice(message.caption_html or "", line), parse_mode=ParseMode.HTML
            )
        else:
            await message.edit_text(
                with_choice(message.text_html or "", line), parse_mode=ParseMode.HTML
            )
    except TelegramError as exc:
        logger.debug("could not mark the choice (%s)", type(exc).__name__)


async def drop_repeated_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first: an update id seen before (a repeated delivery) stops here."""
    services = get_services(context)
    try:
        first = await services.state.claim_update(services.settings.bot_id, update.update_id)
    except Exception as exc:
        # Better to risk handling a rare repeat than to drop every message while the DB is busy.
        logger.warning("could not record update id (%s); handling it anyway", type(exc).__name__)
        return
    if not first:
        logger.info("ignored repeated update %d", update.update_id)
        raise ApplicationHandlerStop


async def on_group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Groups and channels: secrets must never be typed there, so only point to a private chat."""
    message = update.effective_message
    if message is None or not (message.text or "").startswith("/"):
        return  # Stay quiet in a group unless someone addresses the bot with a command.
    text = get_services(context).texts.get("utter_channel_private_only")
    await message.reply_text(html_text(text), parse_mode=ParseMode.HTML)
