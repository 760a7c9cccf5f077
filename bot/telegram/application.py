"""Wiring: build_application() assembles the python-telegram-bot Application and its handlers."""

from __future__ import annotations

import logging
from typing import Final

import httpx
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bank.bootstrap import Bank
from bot.channel_texts import ChannelTexts, load_channel_texts
from bot.chat_state import chat_state_of
from bot.chat_state.async_state import AsyncChatState, DatabasePendingInputStore
from bot.conversation import Conversation
from bot.quiet_chats import AsyncQuietChats
from bot.rasa_client import HEALTH_TIMEOUT_SECONDS, RasaClient, http_ok
from bot.rasa_outage import HealthProbe, RasaOutage
from bot.telegram import handlers
from bot.telegram.assist.bank_calls import AssistBank
from bot.telegram.assist.desk_notices import desk_notice_relays
from bot.telegram.assist.gate import assist_gate
from bot.telegram.assist.menu import refresh_agent_menus
from bot.telegram.commands_menu import customer_commands
from bot.telegram.errors import on_error
from bot.telegram.jobs import BackgroundWork, schedule_background_work
from bot.telegram.ordering import PerChatUpdateProcessor
from bot.telegram.send_retry import RetryingRateLimiter
from bot.telegram.services import SERVICES_KEY, BotServices
from bot.telegram.settings import BotSettings
from bot.transcript import TranscriptRecorder

logger = logging.getLogger(__name__)

ALLOWED_UPDATES: Final = [Update.MESSAGE, Update.CALLBACK_QUERY]
RASA_HTTP_KEY: Final = "rasa_http"
# Retries on 429 "Too Many Requests" (waiting retry_after each time), besides the limiter's pacing.
MAX_RATE_LIMIT_RETRIES: Final = 3
OUTAGE_KEY: Final = "rasa_outage"
ACTION_SERVER_HEALTH_PATH: Final = "/health"


class GracefulApplication(Application):  # type: ignore[type-arg]
    """An Application whose stop() first ends every wait for Rasa, so in-flight updates finish
    at once (a waiting message gets the "try again" apology) instead of holding the exit."""

    async def stop(self) -> None:
        """End the waits for Rasa, then stop as python-telegram-bot does: every update already
        taken from Telegram is processed and its replies sent before this returns."""
        outage = self.bot_data.get(OUTAGE_KEY)
        if isinstance(outage, RasaOutage):
            outage.stop()
        await super().stop()


def health_probes(
    http: httpx.AsyncClient, rasa: RasaClient, settings: BotSettings
) -> list[HealthProbe]:
    """Rasa's root page and, when its URL is set, the action server's /health."""
    probes: list[HealthProbe] = [rasa.healthy]
    if settings.action_server_url:
        url = settings.action_server_url.rstrip("/") + ACTION_SERVER_HEALTH_PATH

        async def action_server() -> bool:
            return await http_ok(http, url, timeout=HEALTH_TIMEOUT_SECONDS)

        probes.append(action_server)
    return probes


def build_application(
    settings: BotSettings,
    bank: Bank,
    *,
    texts: ChannelTexts | None = None,
    rasa_transport: httpx.AsyncBaseTransport | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot, ready for run_polling() or the webhook server; clients open in post_init.

    rasa_transport replaces the HTTP transport to Rasa (tests use a scripted one).
    """
    channel_texts = texts or load_channel_texts()
    # A child who turned the Cuenta Mini music off gets silent messages and no celebrations.
    quiet = AsyncQuietChats(bank.mini_music)
    # Assisted mode: agents, tickets, the desk, help by phone; every chat's transcript.
    assist = AssistBank(bank.agents, bank.tickets, bank.assist_desk, bank.assist_phone)
    recorder = TranscriptRecorder(bank.transcripts)
    chat_state = chat_state_of(bank)

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        http = httpx.AsyncClient(transport=rasa_transport)
        application.bot_data[RASA_HTTP_KEY] = http
        rasa = RasaClient(http, settings.rasa_url, timeout=settings.rasa_timeout_seconds)
        outage = RasaOutage(
            settings.rasa_outage,
            max_waiting=settings.rasa_max_waiting,
            probes=health_probes(http, rasa, settings),
        )
        application.bot_data[OUTAGE_KEY] = outage
        state = AsyncChatState(chat_state)
        services = application.bot_data[SERVICES_KEY] = BotServices(
            settings=settings,
            conversation=Conversation(
                rasa,
                bank.secret_box,
                DatabasePendingInputStore(chat_state.pending_inputs),
                recorder=recorder,
                outage=outage,
            ),
            state=state,
            texts=channel_texts,
            quiet=quiet,
            assist=assist,
            recorder=recorder,
        )
        try:
            await application.bot.set_my_commands(customer_commands(channel_texts))
        except TelegramError as exc:
            # Commands still work when typed; the menu is a convenience.
            logger.warning("could not register the command menu (%s)", type(exc).__name__)
        try:
            await refresh_agent_menus(application.bot, channel_texts, assist)
        except Exception as exc:
            logger.warning("could not refresh the agents' menus (%s)", type(exc).__name__)
        if application.job_queue is None:
            raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
        schedule_background_work(
            application.job_queue,
            BackgroundWork(
                notifications=bank.notifications,
                state=state,
                texts=channel_texts,
                quiet=quiet,
                assist=assist,
                recorder=recorder,
                bot_id=settings.bot_id,
                ticket_expiry_seconds=settings.assist_expiry_seconds,
                relays=desk_notice_relays(services),
            ),
        )

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        http = application.bot_data.pop(RASA_HTTP_KEY, None)
        if isinstance(http, httpx.AsyncClient):
            await http.aclose()

    rate_limiter = RetryingRateLimiter(
        AIORateLimiter(max_retries=MAX_RATE_LIMIT_RETRIES), settings.telegram_retry
    )
    application = (
        ApplicationBuilder()
        .application_class(GracefulApplication)
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.file_base_url)
        .rate_limiter(rate_limiter)
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Register every handler. The repeated-update check runs first, then the assisted-mode gate
    (agent commands and replies, held chats), each in its own group."""
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, handlers.drop_repeated_update), group=-2)
    application.add_handler(TypeHandler(Update, assist_gate), group=-1)
    application.add_handler(CommandHandler("start", handlers.on_start, filters=private))
    application.add_handler(CommandHandler(["ayuda", "help"], handlers.on_help, filters=private))
    application.add_handler(
        CommandHandler(["cancelar", "cancel"], handlers.on_cancel, filters=private)
    )
    new_messages = filters.UpdateType.MESSAGE & private
    application.add_handler(MessageHandler(new_messages & filters.TEXT, handlers.on_text))
    application.add_handler(MessageHandler(new_messages & ~filters.TEXT, handlers.on_other_message))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & ~private, handlers.on_group_message)
    )
    application.add_handler(CallbackQueryHandler(handlers.on_tap))
    application.add_error_handler(on_error)
