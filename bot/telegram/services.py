"""What the handlers share, kept in the Application's bot_data (nothing in module globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from telegram import Bot
from telegram.ext import ContextTypes

from bot.channel_texts import ChannelTexts
from bot.chat_state.async_state import AsyncChatState
from bot.conversation import Conversation
from bot.quiet_chats import AsyncQuietChats
from bot.telegram.assist.bank_calls import AssistBank
from bot.telegram.render import TurnRenderer
from bot.telegram.settings import BotSettings
from bot.transcript import TranscriptRecorder

SERVICES_KEY: Final = "services"


@dataclass(frozen=True)
class BotServices:
    """The bot's collaborators: settings, the conversation engine, channel state, texts, which
    chats are quiet (no notification sound, no celebrations), the bank's assisted mode, and the
    chats' transcript for agents."""

    settings: BotSettings
    conversation: Conversation
    state: AsyncChatState
    texts: ChannelTexts
    quiet: AsyncQuietChats
    assist: AssistBank
    recorder: TranscriptRecorder


def get_services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    """The services stored in the application (set by build_application)."""
    services: Any = context.application.bot_data[SERVICES_KEY]
    if not isinstance(services, BotServices):
        raise RuntimeError("the application was not built by build_application")
    return services


def make_renderer(bot: Bot, services: BotServices) -> TurnRenderer:
    """A renderer of Rasa's answers bound to `bot`."""
    return TurnRenderer(
        bot=bot,
        state=services.state,
        texts=services.texts,
        bot_id=services.settings.bot_id,
        quiet=services.quiet,
    )


def get_renderer(context: ContextTypes.DEFAULT_TYPE) -> TurnRenderer:
    """A renderer bound to this application's bot."""
    return make_renderer(context.bot, get_services(context))
