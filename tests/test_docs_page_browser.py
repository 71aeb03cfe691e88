"""The /docs page in a real headless browser: it renders every documented operation and loads
nothing from outside the emulator (it must work offline).

Needs Debian's Chromium (``apt-get install chromium``, at ``/usr/bin/chromium``) and the
``playwright`` package (driving that Chromium; no browser download). Skipped, saying why,
when Chromium is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from emulator.config import EmulatorConfig
from emulator.gizwits.api.openapi import document
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(Cloud(EmulatorConfig(seed=1))) as live:
        yield live


def test_the_docs_page_renders_every_operation_offline(server: LiveServer) -> None:
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{server.url}/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            shown = page.locator(".opblock").count()
            title = page.locator(".info .title").inner_text()
        finally:
            browser.close()
    operations = sum(len(item) for item in document()["paths"].values())
    assert shown == operations
    assert "gizwits-emulator" in title
    assert not errors, errors
    outside = [url for url in requested if urlparse(url).netloc != urlparse(server.url).netloc
               and not url.startswith("data:")]
    assert not outside, f"the page fetched from outside the emulator: {outside}"


def test_the_docs_page_offers_the_ewelink_document(server: LiveServer) -> None:
    """The page's selector also offers the eWeLink API: choosing it renders every eWeLink operation."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from emulator.ewelink.api.openapi import document as ewelink_document

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
    assert shown == sum(len(item) for item in ewelink_document()["paths"].values())
    assert not errors, errors
