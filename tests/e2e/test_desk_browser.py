"""The agents' web desk in headless Chromium (no Rasa needed): the desk runs as `python -m desk`
on a migrated, seeded SQLite bank; tickets are opened through bank calls, as the assistant does.

Paula signs in with the keyboard, sees María José's ticket (a PIN lock) in the live queue (and a
second ticket appear without a reload), takes it, replies, unlocks María José with a reason by
phone, and hands the chat back to the assistant; Rosa, the supervisor, reads the floor, a ticket
Paula holds with Paula's note, and the funnel page, and signs out. What the customer must see is
queued for her chat (the bot delivers it: tests/unit/desk/test_desk_reaches_the_chat.py).
Screenshots go to the test's temporary folder and to var/results/browser/.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Final

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from bank.bootstrap import Bank, build_bank
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.migrate import upgrade_database
from bank.models import AuditEntry, CustomerNotification
from bank.settings import Settings
from tests.support.browser import headless_chromium, save_screenshot
from tests.support.desk_process import running_desk

pytestmark = pytest.mark.e2e

WAIT_MS: Final = 20_000

MARIA_CHAT: Final = "tg:1001"
MARIA_CEDULA: Final = "1710034065"
LUIS_CHAT: Final = "tg:1002"
PAULA: Final = ("paula", "paula-escritorio-demo")
REPLY: Final = "Hola María José, soy Paula. Ya reviso tu bloqueo."
REASON: Final = "Verificada por teléfono con sus datos personales y su agencia"


@pytest.fixture
def bank(tmp_path: Path) -> Iterator[Bank]:
    """A migrated SQLite bank with the demo data (the desk process shares its file and key)."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bank.db'}", secret_key=secrets.token_hex(32)
    )
    upgrade_database(settings.database_url)
    built = build_bank(settings)
    with unit_of_work(built.sessions) as session:
        seed_demo(session, hasher=built.hasher, clock=built.clock)
    yield built
    built.dispose()


@pytest.fixture
def desk_url(bank: Bank, tmp_path: Path) -> Iterator[str]:
    """`python -m desk` on this bank's file and key, stopped at the end."""
    env = {
        **os.environ,
        "DATABASE_URL": bank.settings.database_url,
        "BANK_SECRET_KEY": bank.settings.secret_key,
    }
    with running_desk(env, tmp_path / "desk.log") as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with headless_chromium() as launched:
        yield launched


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-EC")
    opened = await context.new_page()
    opened.set_default_timeout(WAIT_MS)
    try:
        yield opened
    finally:
        await context.close()


async def screenshot(page: Page, tmp_path: Path, name: str) -> None:
    """A full-page screenshot into the test's folder and into var/results/browser/."""
    await save_screenshot(page, tmp_path, name)


def lock_maria(bank: Bank) -> int:
    """María José types her cédula and a wrong PIN three times (locked), then asks for a person
    (what the assistant does on her consent); the ticket's number."""
    reg = bank.registration
    for _ in range(3):
        reg.start(sender_id=MARIA_CHAT)
        assert reg.submit_identity_number(sender_id=MARIA_CHAT, text=MARIA_CEDULA).code == "ok"
        outcome = reg.submit_pin(sender_id=MARIA_CHAT, pin="0000")
    assert outcome.code == "locked", outcome
    bank.transcripts.append(sender_id=MARIA_CHAT, role="cliente", text="me bloqueé, ayuda")
    opened = bank.tickets.open(sender_id=MARIA_CHAT, reason="locked")
    assert opened.code == "opened", opened
    return int(opened.data["ticket"])


def notices_for(bank: Bank, chat: str) -> list[str]:
    with unit_of_work(bank.sessions) as session:
        return list(
            session.scalars(
                select(CustomerNotification.kind)
                .where(CustomerNotification.sender_id == chat)
                .order_by(CustomerNotification.id)
            )
        )


async def test_paula_takes_replies_unlocks_and_hands_back(
    page: Page, bank: Bank, desk_url: str, tmp_path: Path
) -> None:
    number = lock_maria(bank)
    try:
        # Signing in with the keyboard only.
        await page.goto(f"{desk_url}/entrar")
        await expect(page.get_by_role("heading", name="Ingreso de asesores")).to_be_visible()
        await page.get_by_label("Usuario").focus()
        await page.keyboard.type(PAULA[0])
        await page.keyboard.press("Tab")
        await page.keyboard.type(PAULA[1])
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", name="Cola de atención")).to_be_visible()
        row = page.locator(f"#ticket-{number}")
        await expect(row).to_contain_text("17******65")
        await expect(row).to_contain_text("quedó bloqueado")
        assert MARIA_CEDULA not in await page.content()

        # The queue is live: a new ticket shows up without a reload.
        other = int(bank.tickets.open(sender_id=LUIS_CHAT, reason="asked").data["ticket"])
        await expect(page.locator(f"#ticket-{other}")).to_contain_text("pidió hablar con un asesor")
        await screenshot(page, tmp_path, "desk_queue.png")

        await page.get_by_role("button", name=f"Tomar #{number}").click()
        await expect(page.get_by_role("heading", name=f"Ticket #{number}")).to_be_visible()
        await expect(page.get_by_role("log")).to_contain_text("me bloqueé, ayuda")
        await expect(page.locator("dl").first).to_contain_text("quedó bloqueado")

        await page.get_by_label("Tu mensaje (la persona lo verá con tu nombre)").fill(REPLY)
        await page.get_by_role("button", name="Enviar respuesta").click()
        await expect(page.locator("#aviso")).to_contain_text("va en camino")
        await expect(page.get_by_role("log")).to_contain_text(f"Paula: {REPLY}")
        await screenshot(page, tmp_path, "desk_ticket.png")

        await page.get_by_role("link", name="Ayuda por teléfono").first.click()
        unlock = page.locator("form[action='/telefono/desbloquear']")
        await unlock.get_by_label("Cédula o RUC").fill(MARIA_CEDULA)
        await unlock.get_by_label("Motivo").fill(REASON)
        await unlock.get_by_role("button", name="Desbloquear").click()
        await expect(page.locator("#aviso")).to_contain_text("Desbloqueaste la identidad")
        await screenshot(page, tmp_path, "desk_unlocked.png")

        await page.get_by_role("link", name="Cola de atención").click()
        await page.get_by_role("link", name=f"Abrir #{number}").click()
        await expect(page.get_by_label("¿En qué paso continúa la persona?")).to_have_value("")
        await page.get_by_role("button", name="Devolver al asistente").click()
        await expect(page.locator("#aviso")).to_contain_text(
            f"Devolviste el ticket #{number} al asistente"
        )
        await expect(page.get_by_role("heading", name="Cola de atención")).to_be_visible()
        await screenshot(page, tmp_path, "desk_handed_back.png")
    except BaseException:
        await screenshot(page, tmp_path, "desk_failure.png")
        raise

    assert bank.tickets.holder(sender_id=MARIA_CHAT) is None
    assert bank.tickets.position(sender_id=MARIA_CHAT).code == "none"
    kinds = [k for k in notices_for(bank, MARIA_CHAT) if k.startswith("assist_desk_")]
    assert kinds == ["assist_desk_joined", "assist_desk_reply", "assist_desk_back"]
    # The lock is gone: she can type her cédula and be asked for her PIN again.
    reg = bank.registration
    reg.start(sender_id=MARIA_CHAT)
    assert reg.submit_identity_number(sender_id=MARIA_CHAT, text=MARIA_CEDULA).code == "ok"
    with unit_of_work(bank.sessions) as session:
        actions = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "desk:paula"))
        )
    assert {"desk.sign_in", "desk.view", "desk.take", "desk.reply", "desk.unlock"} <= actions
    assert "desk.hand_back" in actions


async def test_rosa_the_supervisor_reads_the_floor_and_every_note(
    page: Page, bank: Bank, desk_url: str, tmp_path: Path
) -> None:
    number = lock_maria(bank)
    assert bank.assist_desk.take(agent="1005", ticket_number=number).code == "taken"
    assert bank.assist_desk.note(agent="1005", text="Pidió ayuda con el PIN").code == "noted"
    try:
        await page.goto(f"{desk_url}/entrar")
        await page.get_by_label("Usuario").fill("rosa")
        await page.get_by_label("Contraseña").fill("rosa-supervisora-demo")
        await page.get_by_role("button", name="Ingresar").click()
        await expect(page.get_by_text("Sesión de Rosa (supervisor)")).to_be_visible()
        taken = page.locator(f"#ticket-{number}")
        await expect(taken).to_contain_text("Paula")
        await expect(page.get_by_role("button", name=f"Tomar #{number}")).to_have_count(0)
        await page.get_by_role("link", name=f"Ver #{number}").click()
        await expect(page.get_by_text("Lo estás viendo como supervisor")).to_be_visible()
        await expect(page.locator(".notes")).to_contain_text("Paula")
        await expect(page.locator(".notes")).to_contain_text("Pidió ayuda con el PIN")
        await expect(page.get_by_role("button", name="Enviar respuesta")).to_have_count(0)
        await screenshot(page, tmp_path, "desk_supervisor_ticket.png")
        await page.get_by_role("link", name="Embudo (supervisión)").click()
        await expect(page.get_by_role("heading", name="Embudo de trámites")).to_be_visible()
        await page.get_by_role("button", name="Cerrar sesión").click()
        await expect(page.get_by_role("heading", name="Ingreso de asesores")).to_be_visible()
    except BaseException:
        await screenshot(page, tmp_path, "desk_supervisor_failure.png")
        raise
    # Signed out: the queue sends the browser back to the sign-in form.
    await page.goto(f"{desk_url}/")
    await expect(page.get_by_role("heading", name="Ingreso de asesores")).to_be_visible()
