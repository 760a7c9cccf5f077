"""The agent commands (docs/assist.md), run for an active agent in their private chat: the queue,
taking a ticket, its transcript and state, notes, handing back, closing, and help by phone.

The gate (bot/telegram/assist/gate.py) checks that the user is an agent before anything here
runs; the bank checks it again on every call (`not_agent`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from telegram import Bot, InlineKeyboardMarkup

from bank.assist.desk_tickets import parse_ticket_number
from bank.assist.outcome import AssistCode
from bank.outcome import Outcome
from bot.channel_texts import ChannelTexts
from bot.chat_state.keyboards import ACTION_SEND, ButtonSpec
from bot.telegram.assist import replies, views
from bot.telegram.assist.command_parsing import AgentCommand, command_payload
from bot.telegram.assist.menu import set_agent_menu
from bot.telegram.assist.relay import agent_joined, assistant_is_back, send_plain
from bot.telegram.render import chat_key
from bot.telegram.services import BotServices
from bot.telegram.ui import choice_keyboard

logger = logging.getLogger(__name__)

# The queue offers a "Tomar" button for at most this many tickets (the oldest first).
MAX_TAKE_BUTTONS: Final = 8


@dataclass(frozen=True)
class AgentChat:
    """One agent's private chat with the bot (chat id == the agent's Telegram user id)."""

    bot: Bot
    services: BotServices
    agent_id: int

    async def say(self, text: str, *, markup: InlineKeyboardMarkup | None = None) -> None:
        """Send the agent a message."""
        await send_plain(self.bot, self.agent_id, text, markup=markup)

    async def desk(self, call: Callable[..., Outcome], **arguments: Any) -> Outcome:
        """A call of bank.assist_desk or bank.assist_phone as this agent (in a worker thread)."""
        return await asyncio.to_thread(call, agent=self.agent_id, **arguments)

    async def agent_name(self) -> str:
        """The agent's display name (what the customer sees)."""
        agents = self.services.assist.agents
        view = await asyncio.to_thread(agents.agent, telegram_user_id=self.agent_id)
        return view.display_name if view is not None else ""


Handler = Callable[[AgentChat, AgentCommand], Awaitable[None]]


async def run_agent_command(
    bot: Bot, services: BotServices, agent_id: int, command: AgentCommand
) -> None:
    """Run one agent command for an agent (already checked by the caller)."""
    logger.info("agent command /%s", command.name)
    await HANDLERS[command.name](AgentChat(bot, services, agent_id), command)


def _ticket_number(command: AgentCommand) -> int | None:
    """The ticket number argument ("12" or "#12"), else None (missing or not a number)."""
    return parse_ticket_number(command.words[0]) if command.words else None


def _texts(chat: AgentChat) -> ChannelTexts:
    return chat.services.texts


# Help and the queue ---------------------------------------------------------------------------


async def show_help(chat: AgentChat, command: AgentCommand) -> None:
    """/asesor: the commands; the agent's chat also gets them in Telegram's menu."""
    await chat.say(replies.help_text(_texts(chat)))
    await set_agent_menu(chat.bot, _texts(chat), chat.agent_id)


async def show_queue(chat: AgentChat, command: AgentCommand) -> None:
    """/cola: waiting, follow-up and the agent's own tickets, with a "Tomar" button each."""
    outcome = await chat.desk(chat.services.assist.desk.queue)
    if outcome.code != AssistCode.OK:
        await chat.say(replies.common(_texts(chat), outcome))
        return
    takeable = [*outcome.data.get("waiting", []), *outcome.data.get("follow_up", [])]
    markup = await _take_buttons(chat, [t["ticket"] for t in takeable[:MAX_TAKE_BUTTONS]])
    await chat.say(views.queue(_texts(chat), outcome.data), markup=markup)


async def _take_buttons(chat: AgentChat, numbers: list[int]) -> InlineKeyboardMarkup | None:
    """A "Tomar #N" button per ticket; a tap runs /tomar N in the bot (never in Rasa)."""
    if not numbers:
        return None
    titles = [views.text(_texts(chat), "take_button", ticket=number) for number in numbers]
    specs = [
        ButtonSpec(ACTION_SEND, command_payload("tomar", str(number)), title)
        for number, title in zip(numbers, titles, strict=True)
    ]
    _, callback_ids = await chat.services.state.register_keyboard(chat_key(chat.agent_id), specs)
    return choice_keyboard(titles, callback_ids)


# A ticket -----------------------------------------------------------------------------------


async def take(chat: AgentChat, command: AgentCommand) -> None:
    """/tomar N: the customer is told the agent joined; the agent sees the ticket, the redacted
    transcript and the state of the journey."""
    number = _ticket_number(command)
    if number is None:
        await chat.say(replies.usage(_texts(chat), "tomar"))
        return
    outcome = await chat.desk(chat.services.assist.desk.take, ticket_number=number)
    await chat.say(replies.take(_texts(chat), outcome))
    if outcome.code != AssistCode.TAKEN:
        return
    sender_id, name = str(outcome.data["sender_id"]), str(outcome.data["agent_name"])
    await agent_joined(chat.bot, chat.services, sender_id, name)
    await show_held(chat, outcome.data)


async def show_current(chat: AgentChat, command: AgentCommand) -> None:
    """/ticket: the current ticket, its transcript and the journey's state."""
    outcome = await chat.desk(chat.services.assist.desk.current_ticket)
    if outcome.code == AssistCode.NONE:
        await chat.say(views.text(_texts(chat), "no_ticket"))
    elif outcome.code == AssistCode.OK:
        await show_held(chat, outcome.data)
    else:
        await chat.say(replies.common(_texts(chat), outcome))


async def show_held(chat: AgentChat, held: Mapping[str, Any]) -> None:
    """A held ticket in three messages: the ticket (with notes), the transcript, the state."""
    texts, desk, number = _texts(chat), chat.services.assist.desk, held.get("ticket")
    await chat.say(views.ticket(texts, held))
    transcript = await chat.desk(desk.transcript, ticket_number=number)
    if transcript.code == AssistCode.OK:
        await chat.say(views.transcript(texts, transcript.data))
    state = await chat.desk(desk.state_for_agent, ticket_number=number)
    if state.code == AssistCode.OK:
        await chat.say(views.state(texts, state.data))


async def switch(chat: AgentChat, command: AgentCommand) -> None:
    """/cambiar N: another held ticket becomes the current one."""
    number = _ticket_number(command)
    if number is None:
        await chat.say(replies.usage(_texts(chat), "cambiar"))
        return
    outcome = await chat.desk(chat.services.assist.desk.switch, ticket_number=number)
    await chat.say(replies.switch(_texts(chat), outcome))
    if outcome.code == AssistCode.SWITCHED:
        await show_held(chat, outcome.data)


async def note(chat: AgentChat, command: AgentCommand) -> None:
    """/nota texto: a private note on the current ticket (the customer never sees it)."""
    if not command.argument:
        await chat.say(replies.usage(_texts(chat), "nota"))
        return
    outcome = await chat.desk(chat.services.assist.desk.note, text=command.argument)
    await chat.say(replies.note(_texts(chat), outcome))


async def hand_back(chat: AgentChat, command: AgentCommand) -> None:
    """/devolver [paso]: the assistant takes over again, at the current step or an earlier one."""
    step = command.words[0] if command.words else None
    outcome = await chat.desk(chat.services.assist.desk.hand_back, step=step)
    await _let_go(chat, outcome, replies.hand_back(_texts(chat), outcome, step))


async def close(chat: AgentChat, command: AgentCommand) -> None:
    """/cerrar: the ticket ends and the assistant answers the customer again."""
    outcome = await chat.desk(chat.services.assist.desk.close)
    await _let_go(chat, outcome, replies.close(_texts(chat), outcome))


async def _let_go(chat: AgentChat, outcome: Outcome, reply: str) -> None:
    """Tell the agent (and which ticket is current now), then hand the customer's chat back."""
    if outcome.code not in (AssistCode.HANDED_BACK, AssistCode.CLOSED):
        await chat.say(reply)
        return
    following = replies.next_ticket(_texts(chat), outcome)
    await chat.say(f"{reply}\n\n{following}" if following else reply)
    name = await chat.agent_name()
    await assistant_is_back(chat.bot, chat.services, str(outcome.data["sender_id"]), name)


# Assisted by phone --------------------------------------------------------------------------


async def lookup(chat: AgentChat, command: AgentCommand) -> None:
    """/buscar CEDULA: the customer's state (journeys, steps, locks, SMS code)."""
    if not command.words:
        await chat.say(replies.usage(_texts(chat), "buscar"))
        return
    phone = chat.services.assist.phone
    outcome = await chat.desk(phone.lookup, cedula_or_ruc=command.words[0])
    header = replies.lookup_header(_texts(chat), outcome)
    if outcome.code in (AssistCode.FOUND, AssistCode.UNKNOWN):
        header += "\n\n" + views.state(_texts(chat), outcome.data)
    await chat.say(header)


async def resend(chat: AgentChat, command: AgentCommand) -> None:
    """/reenviar CEDULA: a new SMS code for the registration waiting for it (within limits)."""
    if not command.words:
        await chat.say(replies.usage(_texts(chat), "reenviar"))
        return
    phone = chat.services.assist.phone
    outcome = await chat.desk(phone.resend_otp, cedula_or_ruc=command.words[0])
    await chat.say(replies.resend(_texts(chat), outcome))


async def unlock(chat: AgentChat, command: AgentCommand) -> None:
    """/desbloquear CEDULA motivo: lift the identity's locks; the bank requires the reason."""
    if not command.words:
        await chat.say(replies.usage(_texts(chat), "desbloquear"))
        return
    number, _, reason = command.argument.partition(" ")
    phone = chat.services.assist.phone
    outcome = await chat.desk(phone.unlock, cedula_or_ruc=number, reason=reason)
    await chat.say(replies.unlock(_texts(chat), outcome))


async def send_link(chat: AgentChat, command: AgentCommand) -> None:
    """/enlace CEDULA registro|mini|hijos|entrar: an SMS with the t.me link to that journey."""
    if len(command.words) < 2:
        await chat.say(replies.usage(_texts(chat), "enlace"))
        return
    phone = chat.services.assist.phone
    outcome = await chat.desk(
        phone.send_link, cedula_or_ruc=command.words[0], journey=command.words[1]
    )
    await chat.say(replies.link(_texts(chat), outcome))


HANDLERS: Final[dict[str, Handler]] = {
    "asesor": show_help,
    "cola": show_queue,
    "tomar": take,
    "ticket": show_current,
    "cambiar": switch,
    "nota": note,
    "devolver": hand_back,
    "cerrar": close,
    "buscar": lookup,
    "reenviar": resend,
    "desbloquear": unlock,
    "enlace": send_link,
}
