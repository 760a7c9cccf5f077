"""The one error handler: logs an error id and where it happened, and apologises in Spanish.

It never logs the update (it may hold a secret) or the exception's message (it may quote a URL
with the token, or a value); only the exception type and the code frames.
"""

from __future__ import annotations

import logging
import secrets
import traceback

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.services import get_services
from bot.telegram.ui import html_text

logger = logging.getLogger(__name__)


def new_error_id() -> str:
    """A short id the user can quote to the call center and support can find in the logs."""
    return secrets.token_hex(4)


def describe_error(error: BaseException | None) -> str:
    """Exception type and code frames only (no message, no values)."""
    if error is None:
        return "unknown error"
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{type(error).__module__}.{type(error).__qualname__}\n{frames}".rstrip()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure under a fresh error id and tell the user, who can simply retry."""
    error_id = new_error_id()
    kind = "update" if isinstance(update, Update) else "background job"
    logger.error("error %s while handling an %s: %s", error_id, kind, describe_error(context.error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception as exc:  # already answered, or too late
            logger.debug(
                "could not answer the tap after error %s (%s)", error_id, type(exc).__name__
            )
    try:
        text = get_services(context).texts.get("utter_channel_error", error_id=error_id)
        await context.bot.send_message(
            update.effective_chat.id, html_text(text), parse_mode=ParseMode.HTML
        )
    except Exception as exc:
        logger.warning("could not apologise for error %s (%s)", error_id, type(exc).__name__)
