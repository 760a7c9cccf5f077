"""Telegram's "/" menu of the customers' commands, for everyone (the agents' menu, which adds
their commands, is bot/telegram/assist/menu.py). Commands work when typed either way."""

from __future__ import annotations

from typing import Final

from telegram import BotCommand

from bot.channel_texts import ChannelTexts

# Commands in Spanish; the English aliases also work but are not advertised.
COMMANDS: Final = (
    ("start", "utter_channel_command_start"),
    ("ayuda", "utter_channel_command_help"),
    ("cancelar", "utter_channel_command_cancel"),
)


def customer_commands(texts: ChannelTexts) -> list[BotCommand]:
    """The menu everyone sees."""
    return [BotCommand(name, texts.get(text)) for name, text in COMMANDS]
