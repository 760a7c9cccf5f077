"""Runs before every other handler (but after the repeated-update check) and decides whether an
update belongs to assisted mode:

- an agent command from an active agent runs here (anyone else falls through to the customer
  experience, exactly as if the command did not exist);
- plain text from an agent who holds a ticket is a reply to that customer, unless the agent's own
  journey waits for their secret and the text reads as one (then it is collected as usual);
- while an agent holds a chat, the customer's messages and taps never reach Rasa: text goes to
  the agent (or is deleted when it looks like a secret: the bank's redactor flags it, digit runs
  written any way included, see formats.digit_runs, or a secure input is pending), a tap is
  answered "you are with <agent>".

Handled updates stop here (ApplicationHandlerStop); the rest go on to the usual handlers.
"""

from __future__ import annotations

import asyncio
from typing import Final

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bank.assist import looks_like_secret
from bank.assist.outcome import AssistCode
from bot.secure_input import looks_like_secret as taken_as_secret
from bot.telegram.assist.command_parsing import parse_agent_command
from bot.telegram.assist.commands import run_agent_command
from bot.telegram.assist.relay import (
    assistant_is_back,
    relay_agent_reply,
    relay_customer_message,
    withhold_customer_secret,
)
from bot.telegram.render import chat_key
from bot.telegram.services import BotServices, get_services

# The customer's own way out of a chat an agent holds (Telegram's /cancelar command); a typed
# "cancelar" is a message to the agent.
LEAVE_COMMANDS: Final = frozenset({"/cancelar", "/cancel"})


async def assist_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route an update to assisted mode when it belongs there (then stop), else let it pass."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    services = get_services(context)
    if update.callback_query is not None:
        if await _tap_while_held(update, services):
            raise ApplicationHandlerStop
        return
    message = update.message
    if message is None:
        return
    if message.text is not None and await _from_agent(context, services, user.id, message.text):
        raise ApplicationHandlerStop
    if await _customer_while_held(context, services, chat.id, message):
        raise ApplicationHandlerStop


async def _from_agent(
    context: ContextTypes.DEFAULT_TYPE, services: BotServices, user_id: int, text: str
) -> bool:
    """An agent command, or an agent's reply to the customer of their current ticket."""
    command = parse_agent_command(text)
    if command is not None:
        if not await services.assist.is_agent(user_id):
            return False  # the customer experience: an unknown /command
        await run_agent_command(context.bot, services, user_id, command)
        return True
    if text.lstrip().startswith("/"):
        return False
    # The agent's own journey asked them for a secret: their PIN is collected, never relayed.
    own_secret = await services.conversation.pending_secret(chat_key(user_id))
    if own_secret is not None and taken_as_secret(own_secret, text):
        return False
    # One call: anyone but an agent gets `not_agent`, an agent without a ticket `no_ticket`.
    outcome = await asyncio.to_thread(services.assist.desk.reply, agent=user_id, text=text)
    if outcome.code != AssistCode.SENT:
        return False
    await relay_agent_reply(
        context.bot, services, agent_chat_id=user_id, sent=outcome.data, text=text
    )
    return True


async def _customer_while_held(
    context: ContextTypes.DEFAULT_TYPE, services: BotServices, chat_id: int, message: Message
) -> bool:
    """A message in a chat an agent holds: to the agent, or deleted when it looks secret."""
    key = chat_key(chat_id)
    holder = await services.assist.holder(key)
    if holder is None:
        return False
    if message.text is None:
        return False  # a photo or a sticker: "only text" is answered, nothing reaches Rasa
    if message.text.strip().lower() in LEAVE_COMMANDS:
        await asyncio.to_thread(services.assist.tickets.cancel, sender_id=key)  # agent told
        await assistant_is_back(context.bot, services, key, holder.agent_name, left=True)
        return True
    pending = await services.conversation.pending_secret(key)
    text = message.text
    if pending is not None or looks_like_secret(text):
        await withhold_customer_secret(context.bot, services, holder, key, message)
    else:
        await relay_customer_message(context.bot, services, holder, key, message.text)
    return True


async def _tap_while_held(update: Update, services: BotServices) -> bool:
    """A tap in a held chat is answered with who is helping; it never reaches Rasa."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return False
    holder = await services.assist.holder(chat_key(chat.id))
    if holder is None:
        return False
    await query.answer(
        services.texts.get("utter_channel_assist_with_agent", agent_name=holder.agent_name)
    )
    return True
