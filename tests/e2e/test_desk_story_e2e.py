"""Issue 16's story across the running system: the real bot, Rasa 3.6, the action server, the
playground (Telegram stand-in), the bank, and the web desk in headless Chromium.

María José locks her registration with wrong PINs and asks for a person. Paula signs in to the
desk, takes the ticket, replies (María José reads it in her chat with Paula's name), unlocks her
with a reason and hands the chat back. The assistant offers the registration again and María José
finishes it in the playground. Rosa, the supervisor, opens the funnel for today and sees one
registration finished after a lock and after an agent's help; the CSV says the same.
Screenshots go to var/results/browser/ (desk_story_*.png).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from bank.bootstrap import Bank
from bank.clock import ecuador_day
from bot.playground.client import PlaygroundClient
from tests.e2e.test_assist_e2e import MARIA, MARIA_CEDULA, WRONG_PINS, finish_registration
from tests.e2e.test_desk_browser import browser, page, screenshot  # noqa: F401 (fixtures)
from tests.e2e.test_telegram_e2e import user
from tests.support.chat_steps import type_secret, wait_for_text
from tests.support.desk_process import running_desk
from tests.support.journeys import Secrets
from tests.support.servers import Servers

pytestmark = pytest.mark.e2e

PAULA = ("paula", "paula-escritorio-demo")
ROSA = ("rosa", "rosa-supervisora-demo")
REPLY = "Hola María José, soy Paula. Te ayudo con tu bloqueo."
REASON = "Verificada por teléfono con sus datos personales y su celular"


async def sign_in(tab: Page, desk_url: str, account: tuple[str, str]) -> None:
    await tab.goto(f"{desk_url}/entrar")
    await tab.get_by_label("Usuario").fill(account[0])
    await tab.get_by_label("Contraseña").fill(account[1])
    await tab.get_by_role("button", name="Ingresar").click()


async def summary_value(tab: Page, label: str) -> str:
    """The figure beside `label` in the funnel's summary."""
    item = tab.locator(".funnel-summary div").filter(has=tab.get_by_text(label, exact=True))
    return (await item.locator("dd").inner_text()).strip()


async def test_paula_helps_from_the_desk_and_the_supervisor_sees_maria_finish(
    playground: PlaygroundClient,
    bank: Bank,
    system: Servers,
    browser: Browser,  # noqa: F811
    page: Page,  # noqa: F811
    tmp_path: Path,
) -> None:
    sentinels = Secrets()
    maria = user(playground, bank, MARIA)

    # María José locks her identity with wrong PINs and asks for a person from the lock reply.
    await maria.say("quiero registrarme en produbanco en linea")
    await maria.wait_step("identity_number")
    for attempt, pin in enumerate(WRONG_PINS):
        await maria.say(MARIA_CEDULA)
        await maria.wait_step("pin")
        last = attempt == len(WRONG_PINS) - 1
        await type_secret(maria, pin, "ended" if last else "identity_number")
    await wait_for_text(maria, "bloqueamos el registro")
    await maria.tap("Hablar con un asesor", expect="Sí, conéctame")
    await maria.tap("Sí, conéctame", expect="en la fila")
    waiting = bank.tickets.position(sender_id=maria.sender_id)
    assert waiting.code == "waiting", waiting
    number = int(waiting.data["ticket"])

    with running_desk(system.env(), tmp_path / "desk.log") as desk_url:
        try:
            # Paula: the live queue shows the ticket (masked identity, the lock), she takes it.
            await sign_in(page, desk_url, PAULA)
            await expect(page.get_by_role("heading", name="Cola de atención")).to_be_visible()
            row = page.locator(f"#ticket-{number}")
            await expect(row).to_contain_text("17******65")
            await expect(row).to_contain_text("quedó bloqueado")
            assert MARIA_CEDULA not in await page.content()
            await screenshot(page, tmp_path, "desk_story_queue.png")
            await page.get_by_role("button", name=f"Tomar #{number}").click()
            await expect(page.get_by_role("heading", name=f"Ticket #{number}")).to_be_visible()
            await expect(page.get_by_role("log")).to_contain_text("bloqueamos el registro")
            for secret in (*WRONG_PINS, MARIA_CEDULA):
                assert secret not in await page.content(), f"the desk shows {secret}"
            await wait_for_text(maria, "Paula, de nuestro equipo, se unió a la conversación")

            # Her reply reaches María José's chat with her name.
            await page.get_by_label("Tu mensaje (la persona lo verá con tu nombre)").fill(REPLY)
            await page.get_by_role("button", name="Enviar respuesta").click()
            await expect(page.locator("#aviso")).to_contain_text("va en camino")
            said = await wait_for_text(maria, "Te ayudo con tu bloqueo")
            assert "Paula" in said["text"], said["text"]
            await screenshot(page, tmp_path, "desk_story_ticket.png")

            # Verified by phone: unlock with a reason, then hand the chat back.
            await page.get_by_role("link", name="Ayuda por teléfono").first.click()
            unlock = page.locator("form[action='/telefono/desbloquear']")
            await unlock.get_by_label("Cédula o RUC").fill(MARIA_CEDULA)
            await unlock.get_by_label("Motivo").fill(REASON)
            await unlock.get_by_role("button", name="Desbloquear").click()
            await expect(page.locator("#aviso")).to_contain_text("Desbloqueaste la identidad")
            await page.get_by_role("link", name="Cola de atención").click()
            await page.get_by_role("link", name=f"Abrir #{number}").click()
            await page.get_by_role("button", name="Devolver al asistente").click()
            await expect(page.locator("#aviso")).to_contain_text(
                f"Devolviste el ticket #{number} al asistente"
            )
            await page.get_by_role("button", name="Cerrar sesión").click()
        except BaseException:
            await screenshot(page, tmp_path, "desk_story_failure.png")
            raise

        # María José: the assistant is back, offers the registration again; she finishes it.
        again = await wait_for_text(maria, "¿Lo empezamos otra vez?")
        assert any("Registrarme" in b["text"] for row in again["buttons"] for b in row)
        await maria.tap("Registrarme en Produbanco en línea")
        await maria.wait_step("identity_number")
        await finish_registration(maria, playground, bank, sentinels)
        assert str(bank.registration.current_step(sender_id=maria.sender_id)) == "completed"

        # Rosa, the supervisor: today's registration funnel shows her as finished after a lock.
        today = ecuador_day(bank.clock.now()).isoformat()
        period = {"tramite": "registration", "desde": today, "hasta": today}
        try:
            await sign_in(page, desk_url, ROSA)
            await page.get_by_role("link", name="Embudo (supervisión)").click()
            await page.goto(f"{desk_url}/supervisor/embudo?{httpx.QueryParams(period)}")
            await expect(page.get_by_role("heading", name="Embudo de trámites")).to_be_visible()
            assert await summary_value(page, "Terminaron después de un bloqueo") == "1"
            assert await summary_value(page, "Terminaron después de la ayuda de un asesor") == "1"
            assert MARIA_CEDULA not in await page.content()
            await screenshot(page, tmp_path, "desk_story_funnel.png")
            link = page.get_by_role("link", name="Descargar estas cifras (CSV)")
            csv_url = await link.get_attribute("href")
            assert csv_url is not None
            response = await page.request.get(f"{desk_url}{csv_url}")
            assert response.ok
            rows = list(csv.DictReader(io.StringIO(await response.text())))
        except BaseException:
            await screenshot(page, tmp_path, "desk_story_funnel_failure.png")
            raise
    total = next(row for row in rows if row["section"] == "total")
    assert total["finished_after_lock"] == "1" and total["finished_after_handoff"] == "1", total
    assert int(total["locks"]) >= 1 and int(total["handoffs"]) >= 1, total
