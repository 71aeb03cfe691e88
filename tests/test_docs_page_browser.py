"""The /docs and /_emulator/docs pages in a real headless browser: each renders every documented
operation and loads nothing from outside the emulator (they must work offline).

Needs Debian's Chromium (``apt-get install chromium``, at ``/usr/bin/chromium``) and the
``playwright`` package (driving that Chromium; no browser download). Skipped, saying why,
when Chromium is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest

from emulator.admin.routes import document as admin_document
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


def render(url: str) -> tuple[int, str, list[str], list[str]]:
    """Open ``url`` in Chromium: (operations shown, title, page errors, every URL requested)."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    requested: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            page.wait_for_selector(".opblock", timeout=20_000)
            shown = page.locator(".opblock").count()
            title = page.locator(".info .title").inner_text()
        finally:
            browser.close()
    return shown, title, errors, requested


def fetched_outside(server: LiveServer, requested: list[str]) -> list[str]:
    return [url for url in requested if urlparse(url).netloc != urlparse(server.url).netloc
            and not url.startswith("data:")]


def test_the_docs_page_renders_every_operation_offline(server: LiveServer) -> None:
    shown, title, errors, requested = render(f"{server.url}/docs")
    operations = sum(len(item) for item in document()["paths"].values())
    assert shown == operations
    assert "gizwits-emulator" in title
    assert not errors, errors
    outside = fetched_outside(server, requested)
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


def test_the_admin_docs_page_renders_every_admin_operation_even_behind_a_token() -> None:
    """A browser sends no admin token: the page and its document open without it (the routes do not)."""
    with LiveServer(Cloud(EmulatorConfig(seed=1, admin_token="s3cret"))) as guarded:
        shown, title, errors, requested = render(f"{guarded.url}/_emulator/docs")
        assert httpx.get(f"{guarded.url}/_emulator/clock", timeout=10).status_code == 401
    operations = sum(len(item) for item in admin_document()["paths"].values())
    assert shown == operations and operations > 20
    assert "admin API" in title
    assert not errors, errors
    assert f"{guarded.url}/_emulator/openapi.json" in requested
    assert not fetched_outside(guarded, requested)
