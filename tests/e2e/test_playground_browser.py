"""The playground's web chat page in headless Chromium, against the real bot, Rasa and actions.

A person picks María José, starts the registration by typing and tapping, types her secrets
(which vanish from the page), reads the SMS code on the simulated phone and reaches the security
image keyboard: a picture with numbered buttons. Screenshots go to the test's temporary folder and
to var/results/browser/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.support.browser import RESULTS, headless_chromium, save_screenshot
from tests.support.servers import Servers

pytestmark = pytest.mark.e2e

WAIT_MS: Final = 90_000

MARIA: Final = 1001
MARIA_CEDULA: Final = "1710034065"
MARIA_PIN: Final = "1234"
MARIA_PHONE: Final = "+593991234567"
USERNAME: Final = "mjbrowser2024"
PASSWORD: Final = "Centinela7Qx9Lm"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with headless_chromium() as launched:
        yield launched


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1440, "height": 1000}, locale="es-EC")
    opened = await context.new_page()
    try:
        yield opened
    finally:
        await context.close()


async def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot into the test's folder and into var/results/browser/."""
    await page.mouse.move(0, 0)  # no hovered button
    return await save_screenshot(page, tmp_path, name)


def bot_message(page: Page, text: str) -> Locator:
    """The newest bot message containing `text`."""
    return page.locator(".message.bot", has_text=text).last


async def bot_says(page: Page, text: str) -> Locator:
    """Wait until a bot message containing `text` is shown; return it."""
    message = bot_message(page, text)
    await expect(message).to_be_visible(timeout=WAIT_MS)
    return message


async def type_text(page: Page, text: str, *, click_send: bool = False) -> None:
    """Type into the composer and send with Enter (or the send button)."""
    composer = page.locator("#composer-input")
    await composer.fill(text)
    if click_send:
        await page.locator("#composer-send").click()
    else:
        await composer.press("Enter")
    await expect(composer).to_have_value("", timeout=5_000)


async def type_secret(page: Page, value: str, next_prompt: str) -> None:
    """Type a secret, wait for the next prompt; the typed message must be gone from the page."""
    typed_before = await page.locator(".message.user").count()
    await type_text(page, value)
    await bot_says(page, next_prompt)
    typed = page.locator(".message.user .text").filter(has_text=re.compile(rf"^{value}$"))
    await expect(typed).to_have_count(0, timeout=WAIT_MS)
    await expect(page.locator(".message.user")).to_have_count(typed_before, timeout=WAIT_MS)


async def tap(page: Page, title: str) -> None:
    """Tap the newest inline button with this title."""
    button = page.locator(".message.bot .inline-button", has_text=title).last
    await expect(button).to_be_enabled(timeout=WAIT_MS)
    await button.click()


async def sms_code(page: Page, recipient: str) -> str:
    """The 6-digit code of the newest SMS to `recipient`, read on the simulated phone."""
    body = page.locator(
        f'#phone-panel .notification.sms[data-recipient="{recipient}"] .notification-body'
    ).first
    await expect(body).to_contain_text(re.compile(r"\b\d{6}\b"), timeout=WAIT_MS)
    codes = re.findall(r"\b\d{6}\b", await body.inner_text())
    return str(codes[-1])


async def test_maria_jose_reaches_the_security_image_keyboard_in_the_browser(
    system: Servers, page: Page, tmp_path: Path
) -> None:
    try:
        await page.goto(system.playground_url, wait_until="domcontentloaded")
        maria = page.locator(f'[data-persona="{MARIA}"]')
        await expect(maria).to_be_visible(timeout=WAIT_MS)
        await maria.click()
        await expect(maria).to_have_class(re.compile(r"\bactive\b"), timeout=WAIT_MS)
        await expect(page.locator("#chat-persona")).to_contain_text("María José", timeout=WAIT_MS)

        await type_text(page, "/start")
        await expect(page.locator(".message.user", has_text="/start")).to_be_visible(
            timeout=WAIT_MS
        )
        await bot_says(page, "Produbanco")

        await tap(page, "Registrarme en Produbanco en línea")
        await bot_says(page, "Escribe tu número de cédula")
        tapped = bot_message(page, "✔ Registrarme")
        await expect(tapped).to_be_visible(timeout=WAIT_MS)
        await expect(
            tapped.locator(".inline-button", has_text="Registrarme en Produbanco")
        ).to_have_count(0, timeout=WAIT_MS)

        await type_text(page, MARIA_CEDULA, click_send=True)
        await bot_says(page, "Escribe tu clave de 4 dígitos")
        await type_secret(page, MARIA_PIN, "Generar OTP")
        await bot_says(page, "Borré tu mensaje")

        await tap(page, "Generar OTP")
        await bot_says(page, "Escribe la clave temporal (OTP)")
        await type_secret(page, await sms_code(page, MARIA_PHONE), "Crea tu nombre de usuario")
        await type_text(page, USERNAME)
        await bot_says(page, "Escribe tu nombre de usuario otra vez")
        await type_text(page, USERNAME)
        await bot_says(page, "Crea tu clave alfanumérica")
        await type_secret(page, PASSWORD, "Escribe tu clave otra vez")
        await type_secret(page, PASSWORD, "Escoge tu imagen de seguridad")

        keyboard = page.locator(".message.bot", has=page.locator("img.photo")).last
        await expect(keyboard).to_be_visible(timeout=WAIT_MS)
        message_id = await keyboard.get_attribute("data-message-id")
        keyboard = page.locator(f'.message.bot[data-message-id="{message_id}"]')
        photo = keyboard.locator("img.photo")
        await photo.scroll_into_view_if_needed()
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=await photo.element_handle(),
            timeout=WAIT_MS,
        )
        natural = await photo.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert natural[0] >= 600 and natural[1] >= 200, natural
        buttons = keyboard.locator(".inline-button")
        numbers = await buttons.all_inner_texts()
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)], numbers
        assert len(numbers) == 12, numbers
        await expect(keyboard.locator(".text")).to_contain_text("Toca el número", timeout=WAIT_MS)
        await keyboard.scroll_into_view_if_needed()
        await screenshot(page, tmp_path, "registration_image_keyboard.png")
        (RESULTS / "image_keyboard_message.png").write_bytes(
            await keyboard.screenshot(animations="disabled")
        )

        await keyboard.locator(".inline-button", has_text=re.compile(r"^3$")).click()
        await expect(keyboard.locator(".text")).to_contain_text("✔ 3 · Cóndor", timeout=WAIT_MS)
        await expect(keyboard.locator(".inline-button")).to_have_count(0, timeout=WAIT_MS)
        assert await photo.evaluate("img => img.complete && img.naturalWidth > 0")
        await expect(keyboard.locator(".edited")).to_be_visible(timeout=WAIT_MS)
        await expect(page.locator("#chat-status")).to_have_text("bot", timeout=WAIT_MS)
        await screenshot(page, tmp_path, "registration_image_chosen.png")
    except Exception:
        await screenshot(page, tmp_path, "failure.png")
        raise


ANDREA: Final = 1004
ANDREA_CEDULA: Final = "1722334453"


def activation_code_for_andrea(system: Servers) -> str:
    """Set-up: her father's code, generated through the bank (his part is tested elsewhere)."""
    from sqlalchemy import select

    from bank.bootstrap import build_bank
    from bank.db import unit_of_work
    from bank.demo import CARLOS
    from bank.models import Customer
    from bank.settings import load_settings

    bank = build_bank(load_settings(system.env()))
    try:
        with unit_of_work(bank.sessions) as session:
            parent_id = session.scalar(
                select(Customer.id).where(Customer.id_number == CARLOS.id_number)
            )
        assert parent_id is not None
        issue = bank.activation_codes.generate(parent_id=parent_id, child_cedula=ANDREA_CEDULA)
        assert issue.activation_code is not None, issue
        return issue.activation_code
    finally:
        bank.dispose()


async def test_andrea_sees_the_picture_password_keyboard_in_the_browser(
    system: Servers, page: Page, tmp_path: Path
) -> None:
    try:
        await page.goto(system.playground_url, wait_until="domcontentloaded")
        andrea = page.locator(f'[data-persona="{ANDREA}"]')
        await expect(andrea).to_be_visible(timeout=WAIT_MS)
        await andrea.click()
        await expect(andrea).to_have_class(re.compile(r"\bactive\b"), timeout=WAIT_MS)

        await type_text(page, "/start mini")
        await bot_says(page, "Escribe tu número de cédula")
        await type_text(page, ANDREA_CEDULA)
        await bot_says(page, "código de activación")
        await type_secret(page, activation_code_for_andrea(system), "Elige tu avatar")
        avatars = page.locator(".message.bot", has=page.locator("img.photo")).last
        await expect(avatars.locator(".inline-button")).to_have_count(8, timeout=WAIT_MS)
        await avatars.locator(".inline-button", has_text=re.compile(r"^2$")).click()
        await bot_says(page, "nombre de usuario")
        await type_text(page, "andreamora2016")
        await bot_says(page, "crea tu contraseña secreta")

        # The prompt comes first, then the picture with its buttons (the one with "Listo").
        keyboard = page.locator(
            ".message.bot", has=page.locator(".inline-button", has_text="Listo")
        ).last
        await expect(keyboard).to_be_visible(timeout=WAIT_MS)
        message_id = await keyboard.get_attribute("data-message-id")
        keyboard = page.locator(f'.message.bot[data-message-id="{message_id}"]')
        photo = keyboard.locator("img.photo")
        await photo.scroll_into_view_if_needed()
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=await photo.element_handle(),
            timeout=WAIT_MS,
        )
        numbers = [
            text
            for text in await keyboard.locator(".inline-button").all_inner_texts()
            if text.isdigit()
        ]
        assert numbers == [str(n) for n in range(1, 17)], numbers
        await keyboard.locator(".inline-button", has_text=re.compile(r"^5$")).click()
        await expect(keyboard).to_contain_text("●○○○", timeout=WAIT_MS)
        await keyboard.locator(".inline-button", has_text=re.compile(r"^12$")).click()
        await expect(keyboard).to_contain_text("●●○○", timeout=WAIT_MS)
        await keyboard.scroll_into_view_if_needed()
        await screenshot(page, tmp_path, "mini_picture_password_keyboard.png")
        (RESULTS / "mini_picture_password_message.png").write_bytes(
            await keyboard.screenshot(animations="disabled")
        )
    except Exception:
        await screenshot(page, tmp_path, "mini_failure.png")
        raise
