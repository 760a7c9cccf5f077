"""Finding 6: the Token digital QR encodes the token's seed (an otpauth URI). Whoever sees the chat
later (a shared phone, a synced desktop) could clone the token from it, so it must not stay.

The real bot polls the playground (the Bot API stand-in) on a clock the test moves; the QR's
deletion is the bot's scheduled deletion, done through the stand-in's deleteMessage.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from bot_fakes import FakeRasa
from playground_support import CUSTOMER, running_playground
from telegram_harness import RunningBot, reply, running_bot

from bank.clock import FixedClock
from bot.chat_state import chat_state_of
from bot.playground.client import ChatState

SEED_URI = "otpauth://totp/Produbanco:mjandrade?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Produbanco"
# The lifetime the customer is told about; bot/telegram/token_qr.py's TOKEN_QR_MINUTES.
LIFETIME = timedelta(minutes=5)


@pytest.fixture
async def qr_bot(tmp_path: Path, clock: FixedClock) -> AsyncIterator[RunningBot]:
    async with (
        running_playground() as playground,
        running_bot(playground, FakeRasa(), tmp_path, clock=clock) as running,
    ):
        yield running


def photos(state: ChatState) -> list[dict[str, Any]]:
    return [m for m in state["messages"] if m["from"] == "bot" and m["photo"]]


async def show_qr(bot: RunningBot) -> dict[str, Any]:
    """What the registration's Token step does: the QR through the secret box, then the code."""
    ref = bot.bank.secret_box.put(sender_id=f"tg:{CUSTOMER}", kind="qr", value=SEED_URI)
    bot.rasa.reply_with(
        reply(text="Abre la app Token digital y escanea este código QR."),
        reply(custom={"type": "qr", "ref": ref}),
        reply(custom={"type": "secure_input", "kind": "otp"}),
    )
    state = await bot.say(CUSTOMER, "activar ahora", answers=2)
    (qr,) = photos(state)
    return qr


async def test_the_token_qr_left_in_the_chat_is_deleted_after_a_few_minutes(
    qr_bot: RunningBot, clock: FixedClock
) -> None:
    qr = await show_qr(qr_bot)
    assert qr["protect_content"]
    assert SEED_URI not in qr_bot.rasa.everything_received()

    for _ in range(50):  # scheduled right after the photo is sent
        pending = chat_state_of(qr_bot.bank).deletions.pending(f"tg:{CUSTOMER}")
        if pending:
            break
        await asyncio.sleep(0.1)
    assert pending == [(qr["message_id"], clock.now() + LIFETIME)]

    clock.advance(minutes=LIFETIME.total_seconds() / 60)
    state = await qr_bot.wait(
        CUSTOMER,
        lambda s: next(m for m in s["messages"] if m["message_id"] == qr["message_id"])["deleted"],
    )
    assert not photos(state), "the stand-in shows the QR deleted, its picture wiped"


async def test_the_customer_is_told_the_token_qr_will_be_deleted(qr_bot: RunningBot) -> None:
    qr = await show_qr(qr_bot)

    caption = qr["caption"] or ""
    assert "se borrará" in caption
    assert f"{int(LIFETIME.total_seconds() // 60)} minutos" in caption
