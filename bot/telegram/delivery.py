"""Delivers a turn to a chat, and heals a turn whose replies were lost on the way.

A reply batch is lost when Telegram keeps failing after the per-call retries (send_retry.py), or
when Rasa's answer itself was lost (a read timeout, an empty answer: the action server was down).
Either way the journey may already have moved on, so the customer must not simply "try again":
their retyped answer would land in the next step. Instead, once Telegram takes messages again,
the customer gets an apology saying the last answer did not arrive, and then the current step.

How the step is asked again: the channel sends Rasa `/resume_after_agent` (the payload an agent's
hand-back uses, actions/assist/resume.py). The active journey's form asks its *stored* step again
(or the menu is shown), so what the customer sees is always the bank's truth. We chose this over
re-sending the undelivered replies because:
- re-sending cannot know which replies of a batch arrived (a timeout may hide a delivered one);
- a lost batch may hold a secret (a Token QR, an activation code) that was taken from the secret
  store: it must never be shown twice, and re-asking the step makes a fresh one instead;
- after an uncertain Rasa failure there are no replies to re-send at all;
- it is idempotent: if Rasa or Telegram fails again, asking again changes nothing in the journey.
The cost: informative lines sent before the question in the lost batch are not repeated.

Duplicates: a send that timed out after Telegram got it may have arrived; ordinary texts are
retried anyway (a duplicate text is better than a lost step), protected messages are not
(send_retry.py). The apology and the re-asked step may likewise repeat a question already shown.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping
from typing import Final

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.conversation import Turn
from bot.telegram.render import chat_key
from bot.telegram.send_retry import is_transient
from bot.telegram.services import BotServices, make_renderer
from bot.telegram.ui import html_text
from bot.transcript import assistant_line

logger = logging.getLogger(__name__)

# What the channel sends Rasa to have the current step asked again (see the module docstring).
REASK_PAYLOAD: Final = "/resume_after_agent"
# Asking again is harmless, but a Rasa that keeps timing out is not pressed more than this.
REASK_ATTEMPTS: Final = 3


async def deliver_turn(
    bot: Bot,
    services: BotServices,
    chat_id: int,
    turn: Turn,
    metadata: Mapping[str, object],
) -> None:
    """Render a turn; if its replies are lost (Telegram kept failing, or Rasa's answer was lost),
    apologise and ask the current step again. Errors that are not transient go up as before."""
    if not turn.delivered and turn.maybe_processed:
        await recover_lost_reply(bot, services, chat_id, metadata)
        return
    try:
        await make_renderer(bot, services).render(chat_id, turn)
    except TelegramError as exc:
        if not is_transient(exc):
            raise
        logger.warning("a turn's replies were not delivered (%s); recovering", type(exc).__name__)
        await recover_lost_reply(bot, services, chat_id, metadata)


async def recover_lost_reply(
    bot: Bot, services: BotServices, chat_id: int, metadata: Mapping[str, object]
) -> None:
    """The apology (tried until Telegram takes it, within the recovery budget), then, once Rasa
    and the action server are healthy, the current step asked again. Never re-sends the
    customer's message."""
    apology = services.texts.get("utter_channel_reply_lost")
    if not await _send_patiently(bot, services, chat_id, apology):
        logger.warning("gave up telling a chat its reply was lost")
        return
    await services.recorder.record(chat_key(chat_id), [assistant_line(apology)])
    turn = await _ask_step_again(services, chat_id, metadata)
    try:
        await make_renderer(bot, services).render(chat_id, turn)
    except TelegramError as exc:
        logger.warning("could not ask the step again (%s)", type(exc).__name__)


async def _ask_step_again(
    services: BotServices, chat_id: int, metadata: Mapping[str, object]
) -> Turn:
    """Rasa's answer to REASK_PAYLOAD once Rasa (and the action server) are healthy. Asking
    changes nothing in the journey, so an empty or lost answer (the action server still down)
    is asked again (REASK_ATTEMPTS, within the outage budget); an undelivered Turn when that
    never works."""
    conversation, key = services.conversation, chat_key(chat_id)
    outage = conversation.outage
    if outage is None:
        return await conversation.handle_button(key, REASK_PAYLOAD, metadata)
    started, failures = outage.now(), 0
    while await outage.wait_until_healthy():
        turn = await conversation.handle_button(key, REASK_PAYLOAD, metadata)
        if turn.delivered or not turn.maybe_processed:
            return turn
        failures += 1
        if failures >= REASK_ATTEMPTS or not await outage.pause(failures, started):
            break
    # Nothing was asked; the progress is stored and the next message is answered at its step.
    return Turn(messages=(), delivered=False)


async def _send_patiently(bot: Bot, services: BotServices, chat_id: int, text: str) -> bool:
    """Send one text, retrying transient failures for the reply-recovery budget (each attempt is
    itself retried by the send policy); False when it never got through."""
    policy = services.settings.reply_recovery
    silent = await services.quiet.quiet(chat_key(chat_id))
    started, failures = time.monotonic(), 0
    while True:
        try:
            await bot.send_message(
                chat_id, html_text(text), parse_mode=ParseMode.HTML, disable_notification=silent
            )
            return True
        except TelegramError as exc:
            if not is_transient(exc):
                logger.warning("the apology was refused (%s)", type(exc).__name__)
                return False
            failures += 1
            delay = policy.next_delay(failures, time.monotonic() - started, random.random)
            outage = services.conversation.outage
            if delay is None or (outage is not None and outage.stopping):
                return False
            await asyncio.sleep(delay)
