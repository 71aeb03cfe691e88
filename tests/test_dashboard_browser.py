"""The dashboard in a real headless browser against a live server: it lists the demo devices,
drives them and the clock, follows changes made elsewhere without a reload, shows the journal,
works from the keyboard, logs no console error and asks nothing of another host.

Needs Debian's Chromium (``apt-get install chromium``, at ``/usr/bin/chromium``) and the
``playwright`` package (driving that Chromium; no browser download). Skipped, saying why,
when Chromium is absent. Screenshots (desktop 1280×800 and phone 390×844) are saved to
``test-artifacts/dashboard/`` (git-ignored; ``GIZWITS_EMULATOR_ARTIFACTS`` moves it).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from conftest import DEMO_EMAIL, DEMO_PASSWORD, next_monday_7am_paris

from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("GIZWITS_EMULATOR_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))
APP = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
#: Playwright's waits for the page to follow a change (the page itself follows within a second).
FOLLOW_MS = 5_000


@pytest.fixture(scope="module")
def sync_api() -> Any:
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(Cloud(EmulatorConfig(seed=1))) as live:
        yield live


class Watched:
    """A page, with everything it requested and every console error it logged."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requested: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def outside(self, base: str) -> list[str]:
        return [url for url in self.requested if urlparse(url).netloc != urlparse(base).netloc
                and not url.startswith(("data:", "blob:"))]


@pytest.fixture(scope="module")
def browser(sync_api: Any) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def dashboard(browser: Any, server: LiveServer) -> Iterator[Watched]:
    """The dashboard at 1280×800 on a fresh demo, the clock frozen on a Monday 07:00 in Paris."""
    httpx.post(f"{server.url}/_emulator/reset", json={}).raise_for_status()
    httpx.post(f"{server.url}/_emulator/clock", json={"freeze": next_monday_7am_paris(server.cloud.now())})
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    watched = Watched(page)
    page.goto(f"{server.url}/")
    page.wait_for_selector("article.card")
    page.get_by_role("status").filter(has_text="Live").wait_for()
    yield watched
    page.close()
    assert not watched.errors, watched.errors
    assert not watched.outside(server.url), f"the page fetched from another host: {watched.outside(server.url)}"


def did_of(server: LiveServer, product: str) -> str:
    return next(d.did for d in sorted(server.cloud.devices, key=lambda d: d.created_at) if d.product.name == product)


def card(watched: Watched, title: str) -> Any:
    return watched.page.get_by_role("article", name=title)


def user(server: LiveServer) -> dict[str, str]:
    answer = httpx.post(f"{server.url}/app/login", headers=APP,
                        json={"username": DEMO_EMAIL, "password": DEMO_PASSWORD})
    return {**APP, "X-Gizwits-User-token": answer.json()["token"]}


def latest(server: LiveServer, headers: dict[str, str], did: str) -> dict[str, Any]:
    return httpx.get(f"{server.url}/app/devdata/{did}/latest", headers=headers).json()["attr"]


def test_the_page_lists_the_demo_devices(dashboard: Watched, server: LiveServer) -> None:
    page = dashboard.page
    assert page.url.endswith("/_emulator/dashboard")  # GET / redirected here
    titles = page.locator("article.card h3").all_inner_texts()
    assert len(titles) == len(list(server.cloud.world.devices)) == 16  # 10 Heatzy, 6 eWeLink devices
    assert {"Salon", "Séjour", "Véranda", "Chambre parentale", "Entrée"} <= set(titles)
    assert {"Lamp", "Kitchen strip", "Washing machine", "Bedroom heater", "Front door"} <= set(titles)
    heatzy = card(dashboard, "Chambre parentale")
    assert "Comfort" in heatzy.locator(".mode-label").inner_text()
    assert heatzy.locator(".raw").inner_text() == "舒适"


def test_pressing_eco_on_a_card_changes_the_device(dashboard: Watched, server: LiveServer) -> None:
    salon = card(dashboard, "Salon")
    salon.get_by_role("button", name="Eco", exact=True).click()
    salon.locator(".mode-label", has_text="Eco").wait_for(timeout=FOLLOW_MS)
    assert latest(server, user(server), did_of(server, "Pilote2"))["mode"] == "eco"


def test_a_client_s_control_updates_the_card_without_reload(dashboard: Watched, server: LiveServer) -> None:
    did = did_of(server, "Pilote_Soc")
    dashboard.page.evaluate("window.__same_page = true")
    answer = httpx.post(f"{server.url}/app/control/{did}", headers=user(server), json={"attrs": {"mode": "fro"}})
    assert answer.status_code == 200
    card(dashboard, "Chambre bébé").locator(".mode-label", has_text="Frost").wait_for(timeout=FOLLOW_MS)
    assert dashboard.page.evaluate("window.__same_page") is True  # no reload happened


def test_advancing_the_clock_moves_a_countdown_and_the_program_slot(dashboard: Watched, server: LiveServer) -> None:
    page = dashboard.page
    veranda = card(dashboard, "Véranda")  # a Bloom following the standard week: comfort 06:00-08:00
    assert "Comfort now" in veranda.locator(".program-summary").inner_text()
    assert veranda.locator(".strip .cell").nth(14).get_attribute("class").endswith("now")
    salon = card(dashboard, "Salon")
    salon.get_by_label("Boost", exact=True).fill("45")
    salon.get_by_role("button", name="Start boost").click()
    salon.locator(".fact-boost dd", has_text="45 min left").wait_for(timeout=FOLLOW_MS)
    page.get_by_role("button", name="+30 min").click()
    salon.locator(".fact-boost dd", has_text="15 min left").wait_for(timeout=FOLLOW_MS)
    page.get_by_role("button", name="+30 min").click()
    veranda.locator(".program-summary", has_text="Eco now").wait_for(timeout=FOLLOW_MS)
    assert veranda.locator(".strip .cell").nth(16).get_attribute("class").endswith("now")
    assert salon.locator(".fact-boost").count() == 0  # the boost is over
    assert "Eco" in veranda.locator(".mode-label").inner_text()


def test_the_next_program_change_button_goes_there(dashboard: Watched, server: LiveServer) -> None:
    monday_7am = server.cloud.now()
    button = dashboard.page.get_by_role("button", name=re.compile(r"To the next program change \(Mon 08:00\)"))
    button.click()
    card(dashboard, "Véranda").locator(".program-summary", has_text="Eco now").wait_for(timeout=FOLLOW_MS)
    assert server.cloud.now() == monday_7am + 3600


def test_the_journal_shows_a_client_s_request(dashboard: Watched, server: LiveServer) -> None:
    httpx.get(f"{server.url}/app/bindings", headers=user(server))
    row = dashboard.page.locator("#journal tbody tr", has_text="GET /app/bindings")
    row.first.wait_for(timeout=FOLLOW_MS)
    assert DEMO_EMAIL in row.first.inner_text() and "200" in row.first.inner_text()
    dashboard.page.get_by_label("path", exact=True).fill("/app/login")
    dashboard.page.locator("#journal tbody tr", has_text="GET /app/bindings").wait_for(state="detached",
                                                                                     timeout=FOLLOW_MS)
    assert dashboard.page.locator("#journal tbody tr", has_text="POST /app/login").count() >= 1


def test_a_control_works_with_tab_and_enter(dashboard: Watched, server: LiveServer) -> None:
    page = dashboard.page
    before = server.cloud.now()
    page.get_by_role("button", name="+30 min").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "+1 h"
    page.keyboard.press("Enter")
    page.locator(".clock-time", has_text="08:00:00").wait_for(timeout=FOLLOW_MS)  # it was 07:00 in Paris
    assert server.cloud.now() == before + 3600


def test_the_week_program_is_edited_from_the_keyboard(dashboard: Watched, server: LiveServer) -> None:
    page = dashboard.page
    did = did_of(server, "Bloom")
    page.get_by_role("button", name="Edit the week program of Véranda").click()
    dialog = page.get_by_role("dialog", name=re.compile("Week program"))
    dialog.get_by_label("Frost").check()
    now_cell = dialog.get_by_role("button", name="Monday 07:00: Comfort (now)")
    now_cell.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Monday 07:30: Comfort"
    page.keyboard.press("Enter")
    dialog.get_by_role("button", name="Monday 07:30: Frost").wait_for(timeout=FOLLOW_MS)
    program = httpx.get(f"{server.url}/_emulator/cards/{did}").json()["program"]
    assert program["grid"][0][14:17] == ["cft", "fro", "eco"]
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")


def test_screenshots_at_desktop_and_phone_width(dashboard: Watched, browser: Any, server: LiveServer) -> None:
    folder = ARTIFACTS / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    did = did_of(server, "Pilote_Pro")
    httpx.post(f"{server.url}/_emulator/cards/{did}/actions/boost", json={"value": 30}).raise_for_status()
    httpx.get(f"{server.url}/app/bindings", headers=user(server))
    card(dashboard, "Séjour").locator(".fact-boost").wait_for(timeout=FOLLOW_MS)
    dashboard.page.screenshot(path=folder / "desktop-1280x800.png")
    dashboard.page.screenshot(path=folder / "desktop-full.png", full_page=True)
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    watched = Watched(phone)
    try:
        phone.goto(f"{server.url}/_emulator/dashboard")
        phone.wait_for_selector("article.card")
        phone.screenshot(path=folder / "phone-390.png")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        phone.get_by_role("button", name="Edit the week program of Véranda").click()
        phone.screenshot(path=folder / "phone-program.png")
    finally:
        phone.close()
    assert not watched.errors, watched.errors
    assert {p.name for p in folder.iterdir()} >= {"desktop-1280x800.png", "phone-390.png"}


def test_the_page_asks_for_the_admin_token_when_one_is_set(browser: Any) -> None:
    with LiveServer(Cloud(EmulatorConfig(seed=1, admin_token="s3cret"))) as guarded:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(f"{guarded.url}/_emulator/dashboard")
            dialog = page.get_by_role("dialog", name="Admin token")
            dialog.get_by_label("Token").fill("s3cret")
            dialog.get_by_role("button", name="Use this token").click()
            page.wait_for_selector("article.card")
            page.get_by_role("status").filter(has_text="Live").wait_for()
            assert page.evaluate("sessionStorage.getItem('gizwits-emulator.admin-token')") == "s3cret"
            page.goto(f"{guarded.url}/_emulator/dashboard#token=s3cret")  # the address may carry it too
            page.wait_for_selector("article.card")
            assert "token" not in page.url
        finally:
            page.close()
        assert not errors, errors  # a refused call (401) is logged by the browser itself, not an error of the page
