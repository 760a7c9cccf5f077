"""Headless Chromium for the browser tests: Debian's package driven by Playwright (nothing is
downloaded), and full-page screenshots kept under var/results/browser/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

from playwright.async_api import Browser, Page, async_playwright

from tests.support.servers import REPO

CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_ARGS: Final = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS: Final = REPO / "var" / "results" / "browser"


@asynccontextmanager
async def headless_chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, closed at the end."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def save_screenshot(page: Page, folder: Path, name: str) -> Path:
    """A full-page screenshot into `folder` (the test's own) and into var/results/browser/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    png = await page.screenshot(full_page=True, animations="disabled")
    (folder / name).write_bytes(png)
    (RESULTS / name).write_bytes(png)
    return RESULTS / name
