"""The agents' "/" menu: the customers' commands plus the agent commands, in each active agent's
private chat (BotCommandScopeChat); a removed agent's chat loses it."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.channel_texts import ChannelTexts
from bot.telegram.assist.bank_calls import AssistBank
from bot.telegram.assist.command_parsing import AGENT_COMMANDS
from bot.telegram.assist.replies import menu_description
from bot.telegram.commands_menu import customer_commands

logger = logging.getLogger(__name__)


def agent_commands(texts: ChannelTexts) -> list[BotCommand]:
    """The customers' menu followed by the agent commands."""
    agents = [BotCommand(name, menu_description(texts, name)) for name in AGENT_COMMANDS]
    return customer_commands(texts) + agents


async def set_agent_menu(bot: Bot, texts: ChannelTexts, chat_id: int) -> None:
    """Show the agent commands in this agent's chat (a failure is logged: typing still works)."""
    try:
        await bot.set_my_commands(agent_commands(texts), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        logger.warning("could not set an agent's command menu (%s)", type(exc).__name__)


async def refresh_agent_menus(bot: Bot, texts: ChannelTexts, assist: AssistBank) -> None:
    """At start: every active agent's chat gets the agent menu, a removed agent's loses it."""
    for agent in await assist.all_agents():
        chat_id = int(agent.telegram_user_id)
        if agent.active:
            await set_agent_menu(bot, texts, chat_id)
            continue
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        except TelegramError as exc:
            logger.info("could not clear a former agent's menu (%s)", type(exc).__name__)
