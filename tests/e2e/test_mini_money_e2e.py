"""Cuenta Mini money end to end: Andrea (child) and Carlos (parent) in two Telegram accounts of
the playground, with the real bot, Rasa 3.6, the action server and the bank.

Andrea signs in, creates a goal, asks her father for money; Carlos approves from the notice in his
own account (signing in first); the goal is reached; Andrea asks for her goal's money and Carlos
approves the withdrawal. Both accounts' balances are exact at every step.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import ANDREA as ANDREA_CHILD
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME
from bank.mini.wallets import mini_account_code, parent_account_code
from bank.models import MiniAccount
from bot.playground.client import PlaygroundClient, bot_messages
from tests.support.chat_steps import tap_pictures, type_secret, wait_for_text
from tests.support.mini_family import ANDREA_PICTURES as PICTURES
from tests.support.mini_family import ANDREA_USERNAME as USERNAME
from tests.support.mini_family import carlos_id, create_andreas_user
from tests.support.servers import Servers
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e

CARLOS, ANDREA = 1003, 1004


def balances(wired: Bank) -> tuple[Decimal | None, Decimal | None]:
    """(Andrea's Cuenta Mini, Carlos's savings account)."""
    with unit_of_work(wired.sessions) as session:
        account = session.scalar(
            select(MiniAccount).where(MiniAccount.child_cedula == ANDREA_CHILD.cedula)
        )
        assert account is not None
        child_code, parent_code = (
            mini_account_code(account.id),
            parent_account_code(account.parent_id),
        )
    return wired.ledger.balance(child_code), wired.ledger.balance(parent_code)


async def test_goal_money_request_approval_and_withdrawal_with_exact_balances(
    playground: PlaygroundClient,
    bank: Bank,
    system: Servers,
) -> None:
    await asyncio.to_thread(create_andreas_user, bank)
    andrea = TelegramUser(
        playground, ANDREA, step_of=lambda s: bank.mini_sign_in.current_step(sender_id=s)
    )
    carlos = TelegramUser(
        playground, CARLOS, step_of=lambda s: bank.parent_mini.current_step(sender_id=s)
    )
    # Carlos has used the assistant from his Telegram account before (he generated Andrea's code
    # there): the bank sends his notices to the chat he last signed in from.
    await asyncio.to_thread(carlos_id, bank, chat=carlos.sender_id)
    assert balances(bank) == (Decimal("10.00"), Decimal("500.00"))

    # Andrea signs in from her own account and creates a goal of $25.
    await andrea.say("/start entrar", expect="nombre de usuario")
    await andrea.say(USERNAME, expect="imágenes secretas")
    await tap_pictures(andrea, bank, PICTURES)
    await wait_for_text(andrea, "Ya estás en tu Cuenta Mini")
    await andrea.tap("Mis metas", expect="Aún no tienes metas")
    await andrea.tap("Nueva meta", expect="Para qué quieres ahorrar")
    await andrea.say("Bicicleta", expect="Cuánto cuesta Bicicleta")
    await andrea.say("25", expect="Elige un dibujo")
    await andrea.tap("1", expect="Meta creada")
    progress = await wait_for_text(andrea, "llevas $10,00 de $25,00 (40 %)")
    assert progress is not None
    assert any(m["photo"] for m in bot_messages(await andrea.state())[-3:]), "the progress card"
    assert balances(bank) == (Decimal("10.00"), Decimal("500.00"))

    # She asks her father for $15 for it.
    await andrea.tap("Pedir dinero", expect="Cuánto dinero quieres pedirle")
    await andrea.say("15 dólares", expect="Para qué es")
    await andrea.say("para mi bici", expect="Le pedí $15,00")
    assert balances(bank) == (Decimal("10.00"), Decimal("500.00"))

    # Carlos gets the request with Aprobar in his account, signs in, and approves.
    notice = await wait_for_text(carlos, "te pide $15,00")
    assert any("Aprobar" in b["text"] for row in notice["buttons"] for b in row)
    await carlos.tap("Aprobar")
    await carlos.wait_step("username")
    await carlos.say(CARLOS_USERNAME)
    await carlos.wait_step("password")
    await type_secret(carlos, CARLOS_PASSWORD, "child")
    await wait_for_text(carlos, "esperan tu respuesta")
    await playground.wait_for(  # the pending request, listed with its buttons after that line
        CARLOS,
        lambda s: any(
            "Aprobar" in b["text"] for m in bot_messages(s) for row in m["buttons"] for b in row
        ),
        timeout=60,
    )
    assert balances(bank) == (Decimal("10.00"), Decimal("500.00")), "no decision without a tap"
    # A double tap (two taps before the buttons go) and Telegram redelivering it: decided once.
    message, approve = carlos.button(await carlos.state(), "Aprobar")
    taps = await asyncio.gather(
        *(
            playground.tap(CARLOS, message["message_id"], approve["callback_data"])
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    update_id, _ = next(tap for tap in taps if not isinstance(tap, BaseException))
    await wait_for_text(carlos, "Le transferiste $15,00 a Andrea")
    assert update_id is not None
    await playground.redeliver(update_id)
    await asyncio.sleep(3)
    transfers = [
        m for m in bot_messages(await carlos.state()) if "Le transferiste" in (m["text"] or "")
    ]
    assert len(transfers) == 1
    assert balances(bank) == (Decimal("25.00"), Decimal("485.00"))

    # Andrea is told, and her goal is reached: she asks for her goal's money.
    await wait_for_text(andrea, "aprobó tu solicitud")
    await andrea.tap("Mis metas", expect="Ya tienes lo que necesitas para Bicicleta")
    await andrea.tap("Solicitar mi dinero", expect="los $25,00 de tu meta")
    assert balances(bank) == (Decimal("25.00"), Decimal("485.00"))

    # Carlos approves the withdrawal: the money goes to his account.
    await wait_for_text(carlos, "quiere retirar $25,00")
    await carlos.tap("Aprobar", expect="pasaron a tu cuenta")
    assert balances(bank) == (Decimal("0.00"), Decimal("510.00"))
    await wait_for_text(andrea, "aprobó tu retiro de $25,00")
