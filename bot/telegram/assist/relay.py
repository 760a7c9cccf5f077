"""Messages between a held chat and its agent, and what the customer is told when an agent joins
or hands the chat back to the assistant (docs/assist.md, "Notices" and "Handing back").

Nothing a customer types while held reaches Rasa: it is relayed to the agent's chat, unless it
looks like a secret (or a secure input is pending): then it is deleted, not relayed, and the
customer is reminded that no agent ever asks for one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, Final

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from bank.assist import Holder
from bot.telegram.notices import telegram_chat_id
from bot.telegram.services import BotServices, make_renderer
from bot.telegram.typing_indicator import typing
from bot.telegram.ui import MAX_TEXT_LENGTH, html_text, split_text
from bot.transcript import assistant_line, customer_line, secret_line

logger = logging.getLogger(__name__)

# What the channel sends Rasa for the customer's chat once the agent lets go (a payload the bot
# itself makes, so the refusal of typed "/intent" text does not apply).
RESUME_PAYLOAD: Final = "/resume_after_agent"


def customer_metadata(chat_id: int) -> dict[str, object]:
    """Rasa metadata for a private chat the bot writes to on its own (chat id == user id)."""
    return {"channel": "telegram", "telegram_user_id": chat_id, "language": "es"}


async def send_plain(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    silent: bool = False,
) -> Message | None:
    """Send text (escaped, split under Telegram's limit), the keyboard under the last part."""
    chunks = split_text(text)
    sent: Message | None = None
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sent = await bot.send_message(
            chat_id,
            html_text(chunk),
            parse_mode=ParseMode.HTML,
            reply_markup=markup if last else None,
            disable_notification=silent,
        )
    return sent


async def tell_customer(bot: Bot, services: BotServices, sender_id: str, text: str) -> bool:
    """The channel's own message to a customer's chat, kept in its transcript; False when it
    could not be delivered (another channel's chat, a blocked bot)."""
    chat_id = telegram_chat_id(sender_id)
    if chat_id is None:
        logger.info("a customer outside Telegram was not told about the agent")
        return False
    try:
        await send_plain(bot, chat_id, text, silent=await services.quiet.quiet(sender_id))
    except TelegramError as exc:
        logger.warning("could not tell a customer about the agent (%s)", type(exc).__name__)
        return False
    await services.recorder.record(sender_id, [assistant_line(text)])
    return True


async def agent_joined(bot: Bot, services: BotServices, sender_id: str, agent_name: str) -> None:
    """After a take: the assistant stops asking for secrets and the customer meets the agent."""
    await services.conversation.forget_pending_secret(sender_id)
    text = services.texts.get("utter_channel_assist_joined", agent_name=agent_name)
    await tell_customer(bot, services, sender_id, text)


async def relay_agent_reply(
    bot: Bot,
    services: BotServices,
    *,
    agent_chat_id: int | None,
    sent: Mapping[str, Any],
    text: str,
) -> bool:
    """An agent's reply (`assist_desk.reply` answered `sent`) reaches the customer with the
    agent's name, after a moment of "typing..." so the customer sees a person is writing.
    False when it could not be delivered (the agent's chat, if any, is told)."""
    sender_id, name = str(sent.get("sender_id", "")), str(sent.get("agent_name", ""))
    chat_id = telegram_chat_id(sender_id)
    if chat_id is not None:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:
            logger.debug("typing indicator failed (%s)", type(exc).__name__)
        await asyncio.sleep(services.settings.assist_typing_seconds)
        try:
            await _send_agent_text(bot, services, chat_id, sender_id, name, text)
            return True
        except TelegramError as exc:
            logger.warning("an agent's reply was not delivered (%s)", type(exc).__name__)
    if agent_chat_id is not None:
        not_delivered = services.texts.get(
            "utter_channel_assist_not_delivered", ticket=sent.get("ticket", "")
        )
        await send_plain(bot, agent_chat_id, not_delivered)
    return False


async def _send_agent_text(
    bot: Bot, services: BotServices, chat_id: int, sender_id: str, name: str, text: str
) -> None:
    silent = await services.quiet.quiet(sender_id)
    shown = services.texts.get_html(
        "utter_channel_assist_agent_says",
        agent_name=f"<b>{html_text(name)}</b>",
        text=html_text(text),
    )
    if len(shown) <= MAX_TEXT_LENGTH:
        await bot.send_message(
            chat_id, shown, parse_mode=ParseMode.HTML, disable_notification=silent
        )
        return
    plain = services.texts.get("utter_channel_assist_agent_says", agent_name=name, text=text)
    await send_plain(bot, chat_id, plain, silent=silent)


async def relay_customer_message(
    bot: Bot, services: BotServices, holder: Holder, sender_id: str, text: str
) -> None:
    """A held customer's message: into the transcript and to the agent's chat."""
    await services.recorder.record(sender_id, [customer_line(text)])
    chat_id = telegram_chat_id(holder.agent_sender_id)
    if chat_id is None:
        return
    relayed = services.texts.get(
        "utter_channel_assist_customer_says", ticket=holder.ticket, text=text
    )
    try:
        await send_plain(bot, chat_id, relayed)
    except TelegramError as exc:
        logger.warning("a customer's message did not reach the agent (%s)", type(exc).__name__)


async def withhold_customer_secret(
    bot: Bot, services: BotServices, holder: Holder, sender_id: str, message: Message
) -> None:
    """A held customer typed what looks like a PIN, code or password: delete it, never relay
    it, remind them no agent asks for it, and tell the agent only that something was hidden."""
    try:
        await message.delete()
    except TelegramError as exc:
        logger.warning("could not delete a secret-looking message (%s)", type(exc).__name__)
    reminder = services.texts.get(
        "utter_channel_assist_secret_deleted", agent_name=holder.agent_name
    )
    await services.recorder.record(sender_id, [secret_line()])
    await tell_customer(bot, services, sender_id, reminder)
    chat_id = telegram_chat_id(holder.agent_sender_id)
    if chat_id is None:
        return
    withheld = services.texts.get("utter_channel_assist_secret_withheld", ticket=holder.ticket)
    try:
        await send_plain(bot, chat_id, withheld)
    except TelegramError as exc:
        logger.warning("could not tell the agent about a hidden message (%s)", type(exc).__name__)


async def assistant_is_back(
    bot: Bot, services: BotServices, sender_id: str, agent_name: str, *, left: bool = False
) -> None:
    """After hand_back or close (or the customer leaving, `left`): the customer is told, and Rasa
    gets `/resume_after_agent` for their chat; its answer (the journey's next step, or an offer to
    start again) is shown."""
    told = "utter_channel_assist_left" if left else "utter_channel_assist_back"
    back = services.texts.get(told, agent_name=agent_name)
    await tell_customer(bot, services, sender_id, back)
    chat_id = telegram_chat_id(sender_id)
    if chat_id is None:
        return
    async with typing(bot, chat_id):
        turn = await services.conversation.handle_button(
            sender_id, RESUME_PAYLOAD, customer_metadata(chat_id)
        )
    await make_renderer(bot, services).render(chat_id, turn)
