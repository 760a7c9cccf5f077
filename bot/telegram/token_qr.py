"""The Token digital QR: it encodes the token's seed (an otpauth URI), so it is shown protected,
never cached, said to be temporary in its caption, and deleted from the chat TOKEN_QR_MINUTES
after it was sent (a scheduled deletion, like an activation code: bot/telegram/deletions.py).

A wrong first code makes the form ask again with a fresh QR, so deleting an old one never
leaves a customer without a QR to scan.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Final

from telegram import Bot, InputFile
from telegram.constants import ParseMode

from bot.channel_texts import ChannelTexts
from bot.chat_state.async_state import AsyncChatState
from bot.pictures import render_qr
from bot.rasa_messages import QrCode
from bot.telegram.ui import MAX_CAPTION_LENGTH, html_text

logger = logging.getLogger(__name__)

# How long the QR stays in the chat: enough to open the app and scan it.
TOKEN_QR_MINUTES: Final = 5
QR_PICTURE_NAME: Final = "token.png"


def token_qr_caption(texts: ChannelTexts, caption: str) -> str:
    """The action's caption (if any), then the channel's note that the QR will be deleted."""
    note = texts.get("utter_channel_token_qr_caption", minutes=TOKEN_QR_MINUTES)
    return f"{caption}\n\n{note}" if caption.strip() else note


async def send_token_qr(
    bot: Bot,
    state: AsyncChatState,
    texts: ChannelTexts,
    *,
    chat_key: str,
    chat_id: int,
    qr: QrCode,
    silent: bool = False,
) -> None:
    """Send the QR as a protected photo and schedule its deletion; say so when it is gone."""
    if qr.content is None:
        unavailable = html_text(texts.get("utter_channel_qr_unavailable"))
        await bot.send_message(
            chat_id, unavailable, parse_mode=ParseMode.HTML, disable_notification=silent
        )
        return
    png = await asyncio.to_thread(render_qr, qr.content)
    sent = await bot.send_photo(
        chat_id,
        InputFile(png, filename=QR_PICTURE_NAME),
        caption=html_text(token_qr_caption(texts, qr.caption)[:MAX_CAPTION_LENGTH]),
        parse_mode=ParseMode.HTML,
        protect_content=True,
        disable_notification=silent,
    )
    try:
        await state.schedule_deletion(
            chat_key, sent.message_id, after=timedelta(minutes=TOKEN_QR_MINUTES)
        )
    except Exception as exc:
        # Protected content still cannot be forwarded or saved; only the deletion is missed.
        logger.error("could not schedule the QR's deletion (%s)", type(exc).__name__)
