"""Cuenta Mini end to end: Carlos (parent) and Andrea (child) in two Telegram accounts of the
playground, with the real bot, Rasa 3.6, the action server and the bank.

Carlos signs in to "Cuenta para mis hijos" and generates Andrea's code; Andrea registers from her
own account, lets the code expire once, asks her father for a new one through "¿No tienes código
de activación?", picks an avatar, a username and a picture password, and signs in. No code or
password is left anywhere.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import timedelta

import pytest

from bank.bootstrap import Bank
from bank.demo import ANDREA as ANDREA_CHILD
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME
from bot.playground.client import PlaygroundClient, bot_messages
from tests.support.chat_steps import tap_pictures, type_secret, wait_for_text
from tests.support.servers import Servers
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e

CARLOS, ANDREA = 1003, 1004
USERNAME = "andreita2015"
PASSWORD_PICTURES = ("pic_star", "pic_fish", "pic_star", "pic_kite")
CODE_PATTERN = re.compile(r"\b(\d{6})\b")


def parent_of(playground: PlaygroundClient, bank: Bank) -> TelegramUser:
    return TelegramUser(
        playground, CARLOS, step_of=lambda sender: bank.parent_mini.current_step(sender_id=sender)
    )


def child_of(playground: PlaygroundClient, bank: Bank) -> TelegramUser:
    return TelegramUser(
        playground,
        ANDREA,
        step_of=lambda sender: bank.mini_registration.current_step(sender_id=sender),
    )


async def newest_code(person: TelegramUser) -> tuple[str, dict]:
    """The activation code shown in the parent's chat, and its message."""
    for message in reversed(bot_messages(await person.state())):
        text = message["text"] or ""
        if "Código de activación" in text or "código de activación de" in text.lower():
            found = CODE_PATTERN.search(text)
            if found:
                return found.group(1), message
    raise AssertionError("no activation code shown\n" + await person.dump())


def expire_codes(bank: Bank) -> None:
    """Let Andrea's live code run out, as if 10 minutes had passed (only its expiry moves)."""
    from sqlalchemy import update

    from bank.db import unit_of_work
    from bank.models import MiniAccount, MiniActivationCode

    with unit_of_work(bank.sessions) as session:
        account_id = session.query(MiniAccount.id).filter_by(child_cedula=ANDREA_CHILD.cedula)
        session.execute(
            update(MiniActivationCode)
            .where(MiniActivationCode.mini_account_id.in_(account_id.scalar_subquery()))
            .values(expires_at=bank.clock.now() - timedelta(minutes=1))
        )


def absent(code: str, content: bytes) -> bool:
    """No stand-alone occurrence of a 6-digit code (microseconds like ".123456" do not count)."""
    return re.search(rb"(?<![\d.:])" + code.encode() + rb"(?!\d)", content) is None


async def test_parent_code_child_registration_with_regeneration_and_sign_in(
    playground: PlaygroundClient, bank: Bank, system: Servers
) -> None:
    carlos, andrea = parent_of(playground, bank), child_of(playground, bank)

    # Carlos: "Cuenta para mis hijos", sign-in, Andrea, "Genera código", a link for her account.
    await carlos.say("hola, quiero la cuenta para mis hijos")
    await carlos.wait_step("username")
    await carlos.say(CARLOS_USERNAME)
    await carlos.wait_step("password")
    await type_secret(carlos, CARLOS_PASSWORD, "child")
    children = await wait_for_text(carlos, "Selecciona el nombre")
    titles = [b["text"] for row in children["buttons"] for b in row]
    assert any("Sofía" in t and "⏳" in t for t in titles), titles
    await carlos.tap("Andrea")
    await carlos.wait_step("child_action")
    await carlos.tap("Genera código")
    first_code, shown = await newest_code(carlos)
    assert shown["protect_content"], "the code cannot be forwarded"
    await carlos.tap("En otra cuenta de Telegram")
    link = await wait_for_text(carlos, "t.me/")
    start = re.search(r"t\.me/\w+\?start=(\w+)", link["text"])
    assert start is not None and start.group(1) == "mini"

    # Andrea, in her own account, opens the link (/start mini): cédula, then the code expires.
    await andrea.say(f"/start {start.group(1)}")
    await andrea.wait_step("cedula")
    await andrea.say(ANDREA_CHILD.cedula)
    await andrea.wait_step("activation_code")
    await asyncio.to_thread(expire_codes, bank)
    await type_secret(andrea, first_code)
    await wait_for_text(andrea, "expiró")
    assert str(bank.mini_registration.current_step(sender_id=andrea.sender_id)) == "activation_code"

    # "¿No tienes código de activación?" -> ask her father -> he taps "Generar código".
    await andrea.tap("¿No tienes código de activación?", expect="Genera código")
    await andrea.tap("Pedirle un código", expect="le avisamos a tu papá o mamá")
    request = await wait_for_text(carlos, "nos piden un código")
    assert any("Generar código" in b["text"] for row in request["buttons"] for b in row)
    await carlos.tap("Generar código")
    await asyncio.sleep(1)
    second_code, _ = await newest_code(carlos)
    await wait_for_text(andrea, "código nuevo")

    # Andrea: the new code, avatar, username, picture password twice (one mismatch first).
    await type_secret(andrea, second_code, "avatar")
    await andrea.tap("1")
    await andrea.wait_step("username")
    await andrea.say(USERNAME)
    await andrea.wait_step("picture_password")
    await tap_pictures(andrea, bank, PASSWORD_PICTURES)
    await andrea.wait_step("picture_password_confirmation")
    await tap_pictures(andrea, bank, ("pic_fish", "pic_star", "pic_star", "pic_kite"))
    await andrea.wait_step("picture_password")
    await wait_for_text(andrea, "No eran las mismas")
    await tap_pictures(andrea, bank, PASSWORD_PICTURES)
    await andrea.wait_step("picture_password_confirmation")
    await tap_pictures(andrea, bank, PASSWORD_PICTURES)
    created = await wait_for_text(andrea, "Felicidades")
    assert USERNAME in created["text"] and created["protect_content"]

    # "Inicia tu sesión": username and the pictures, in a new order.
    await andrea.tap("Inicia tu sesión", expect="nombre de usuario")
    await andrea.say(USERNAME, expect="imágenes secretas")
    await tap_pictures(andrea, bank, PASSWORD_PICTURES)
    await wait_for_text(andrea, "Ya estás en tu Cuenta Mini")
    assert bank.mini_sign_in.current_child(sender_id=andrea.sender_id).code == "active"
    assert any(m["photo"] for m in bot_messages(await andrea.state())[-3:]), "her avatar greets her"

    # No code, password or picture password anywhere the system stores or logs.
    found = system.stored_bytes()
    picture_password = ",".join(PASSWORD_PICTURES).encode()
    for name, content in found.items():
        if name == "playground.log":
            continue  # The stand-in plays Telegram's servers, which see what users type.
        assert CARLOS_PASSWORD.encode() not in content, f"password in {name}"
        assert picture_password not in content, f"picture password in {name}"
        for code in (first_code, second_code):
            assert absent(code, content), f"activation code in {name}"
    with sqlite3.connect(system.workdir / "rasa_tracker.db") as db:
        rows = [row[0] for row in db.execute("SELECT data FROM events")]
    assert rows and all(
        absent(code, row.encode()) for row in rows for code in (first_code, second_code)
    )
