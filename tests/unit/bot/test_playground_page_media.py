"""The playground page in headless Chromium (Debian's, installed by `make browser`): an animation
is shown as a picture, a voice note as an audio player that can load the MP3, and a message sent
without a notification sound is marked with a crossed-out bell."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Final

import pytest
from PIL import Image
from playground_support import CUSTOMER, TOKEN, Playground, running_playground

from bot.pictures.celebration import celebration_animation
from bot.sounds.jingle import celebration_jingle

CHROMIUM: Final = "/usr/bin/chromium"
WAIT_MS: Final = 10_000


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with running_playground() as running:
        yield running


async def upload(playground: Playground, method: str, field: str, name: str, data: bytes) -> None:
    response = await playground.http.post(
        f"{playground.url}/bot{TOKEN}/{method}",
        data={"chat_id": str(CUSTOMER), "disable_notification": "true"},
        files={field: (name, data)},
    )
    assert response.status_code == 200, response.text


async def test_the_page_shows_animations_and_plays_voice_notes(playground: Playground) -> None:
    from playwright.async_api import async_playwright, expect

    await upload(playground, "sendAnimation", "animation", "fiesta.gif", celebration_animation())
    await upload(playground, "sendVoice", "voice", "jingle.mp3", celebration_jingle().mp3)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = await browser.new_page()
            await page.goto(f"{playground.url}/#{CUSTOMER}")
            gif = page.locator("#messages img.animation")
            await expect(gif).to_have_count(1, timeout=WAIT_MS)
            await expect(gif).to_have_js_property("complete", True)
            width = await gif.evaluate("image => image.naturalWidth")
            assert width == Image.open(io.BytesIO(celebration_animation())).width
            sound = page.locator("#messages audio.voice")
            await expect(sound).to_have_count(1)
            await expect(sound).to_have_attribute("controls", "")
            # The browser reads the MP3's length: it is a file it can play.
            duration = await sound.evaluate(
                """audio => new Promise((resolve) => {
                    if (audio.readyState >= 1) resolve(audio.duration);
                    audio.addEventListener("loadedmetadata", () => resolve(audio.duration));
                    audio.addEventListener("error", () => resolve(-1));
                    audio.load();
                })"""
            )
            assert 1.0 <= duration <= 3.0
            await expect(page.locator("#messages .meta .silent")).to_have_count(2)
        finally:
            await browser.close()
