"""The playground page in headless Chromium (Debian's, installed by `make browser`, which
`make unit` runs first): links are clickable and a link to this bot is opened as a chosen persona
with "/start X"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

import pytest
from playground_support import PARENT, Playground, running_playground

from bot.playground.client import ChatState
from bot.playground.personas import BOT_USERNAME

CHROMIUM: Final = "/usr/bin/chromium"
CHILD: Final = 1004
WAIT_MS: Final = 10_000


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with running_playground() as running:
        yield running


def user_texts(state: ChatState) -> list[str]:
    return [m["text"] for m in state["messages"] if m["from"] == "user"]


async def test_a_link_to_the_bot_is_opened_by_the_chosen_persona(playground: Playground) -> None:
    from playwright.async_api import async_playwright, expect

    link = f"https://t.me/{BOT_USERNAME}?start=mini"
    html = f'Comparte: <a href="{link}">{link}</a> o mira https://example.com/ayuda.'
    response = await playground.raw(
        "sendMessage", json={"chat_id": PARENT, "text": html, "parse_mode": "HTML"}
    )
    assert response.status_code == 200
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = await browser.new_page()
            await page.goto(f"{playground.url}/#{PARENT}")
            deep = page.locator("#messages a.deep-link")
            await expect(deep).to_have_text(link, timeout=WAIT_MS)
            other = page.locator('#messages a[href="https://example.com/ayuda"]')
            await expect(other).to_have_attribute("target", "_blank")
            await deep.click()
            dialog = page.locator("#open-link")
            await expect(dialog).to_be_visible()
            choices = dialog.locator(".open-link-choice")
            await expect(choices.first).to_contain_text("Carlos")
            await choices.filter(has_text="Andrea").click()
            await expect(dialog).to_be_hidden()
            await expect(page.locator("#chat-persona")).to_contain_text("Andrea")
        finally:
            await browser.close()
    child = await playground.client.wait_for(CHILD, lambda s: bool(user_texts(s)), timeout=10)
    assert user_texts(child) == ["/start mini"]
    assert user_texts(await playground.client.chat(PARENT)) == []
