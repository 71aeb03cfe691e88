"""The /docs page offers the eWeLink document beside the Gizwits one: choosing it in the page's
selector renders every eWeLink operation (a real headless Chromium; skipped, saying why, without it)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from emulator.config import EmulatorConfig
from emulator.ewelink.api.openapi import document
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(Cloud(EmulatorConfig(seed=1))) as live:
        yield live


def test_the_docs_page_shows_the_ewelink_document(server: LiveServer) -> None:
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{server.url}/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            page.select_option("select#select", label="eWeLink API v2")
            page.wait_for_function("document.querySelector('.info .title')?.innerText.includes('eWeLink')",
                                   timeout=20_000)
            page.wait_for_selector(".opblock", timeout=20_000)
            shown = page.locator(".opblock").count()
        finally:
            browser.close()
    assert shown == sum(len(item) for item in document()["paths"].values())
    assert not errors, errors
