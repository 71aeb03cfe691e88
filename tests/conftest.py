"""Shared fixtures: a fresh cloud per test, an in-process client, and the demo account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.core.clock import Clock
from emulator.gizwits.cloud.cloud import Cloud

if TYPE_CHECKING:
    from emulator.testing import Emulator

#: ``pytester`` runs the pytest plugin's own tests in a fresh pytest session.
pytest_plugins = ("pytester",)

#: The Home Assistant tests run in their own Python 3.13 venv, driven by test_homeassistant.py.
collect_ignore = ["homeassistant"]

#: Reference material (captures, swagger, seeds) lives beside the project when available.
SHARED = Path(__file__).resolve().parents[2] / "shared"

DEMO_EMAIL = "demo@heatzy.test"
DEMO_PASSWORD = "heatzy-demo"
APP_HEADERS = {"X-Gizwits-Application-Id": HEATZY_APP_ID}


#: Why a test that reads ../shared skips without it (one sentence; the README says what ../shared is).
SHARED_MISSING = "This test needs the reference material in ../shared (beside the repository), which is absent."


def requires_shared(*parts: str) -> Path:
    """The path under ../shared, or skip the test saying why."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(SHARED_MISSING)
    return path


def _check_every_commit_against_memory() -> None:
    """``EMULATOR_CHECK_STATE=1``: every cloud of the run keeps a state file, and after every commit
    the file must hold exactly the world in memory (a store that changed a record without
    touching it shows here). Slow (each commit reads the whole file back); a check run of the
    whole suite, not part of the usual one. Some tests fail in this mode by construction: those
    that assert a cloud has no state file (test_durable_state.py: without a file, and the eight
    refusing files), the one that forbids scanning users (the check reads every user back), and,
    late in the run, the two that watch a terminal with select() (every cloud of the run keeps its
    file open, so descriptors pass select's limit of 1,024)."""
    import os
    import tempfile
    import weakref

    if not os.environ.get("EMULATOR_CHECK_STATE"):
        return
    from emulator.core.durable import DurableState

    folder = tempfile.mkdtemp(prefix="emulator-state-check-")
    made = Cloud.__init__
    commit = DurableState.commit

    def init(self: Cloud, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self.keep_state(tempfile.mktemp(suffix=".db", dir=folder))
        weakref.finalize(self, self.durable._db.close)  # type: ignore[union-attr]  # not the durable: it holds the cloud

    def checked_commit(self: DurableState) -> int:
        with self._commit_lock, self._lock:
            written = commit(self)
            differences = self.differences()
        assert not differences, f"the state file differs from memory after a commit: {differences[:10]}"
        return written

    Cloud.__init__ = init  # type: ignore[method-assign]
    DurableState.commit = checked_commit  # type: ignore[method-assign]


_check_every_commit_against_memory()


#: Tests start on a known instant: Monday 23 November 2026, 07:00 in Paris (06:00 UTC), when
#: the demo's week programs ask for comfort. The clock stays there until a test moves it.
MONDAY_7AM_PARIS = 1_795_413_600.0


def next_monday_7am_paris(after: float) -> float:
    """The first Monday 07:00 in Paris after ``after``: for live tests whose clients check token
    expiry against the real clock, a known program slot that is still in the future."""
    local = datetime.fromtimestamp(after, ZoneInfo("Europe/Paris"))
    day = local.date() + timedelta(days=(7 - local.weekday()) % 7 or 7)
    return datetime.combine(day, time(7, 0), ZoneInfo("Europe/Paris")).timestamp()


@pytest.fixture
def cloud() -> Cloud:
    clock = Clock()
    clock.freeze(MONDAY_7AM_PARIS)
    return Cloud(EmulatorConfig(seed=1), clock=clock)


@pytest.fixture
def client(cloud: Cloud) -> Iterator[TestClient]:
    with TestClient(create_app(cloud=cloud), raise_server_exceptions=False) as test_client:
        yield test_client


def login(client: TestClient, username: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    response = client.post("/app/login", headers=APP_HEADERS, json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def user_headers(token: str) -> dict[str, str]:
    return {**APP_HEADERS, "X-Gizwits-User-token": token}


@pytest.fixture
def demo(client: TestClient) -> dict[str, str]:
    """Headers of the logged-in demo user."""
    return user_headers(login(client)["token"])


@pytest.fixture
def demo_dids(cloud: Cloud) -> dict[str, str]:
    """Product name -> did of the demo user's bound devices."""
    user = cloud.users.find(HEATZY_APP_ID, email=DEMO_EMAIL)
    assert user is not None
    return {cloud.devices.get(b.did).product.name: b.did for b in cloud.bindings.of_user(user.uid)}


def assert_error(response: Any, code: int, status: int) -> dict[str, Any]:
    """The response is the documented 9xxx error body with the documented HTTP status."""
    body = response.json()
    assert response.status_code == status, (response.status_code, body)
    assert set(body) == {"error_message", "error_code", "detail_message"}, body
    assert body["error_code"] == code, body
    return body


@pytest.fixture(scope="module", params=["uvicorn", "hypercorn"])
def live(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A live emulator on each server (uvicorn, hypercorn), one per module that asks (the live
    WebSocket tests of both clouds); a module's own ``emu`` fixture hides the one below."""
    from emulator.testing import Emulator  # here, not at import: the plugin's modules load as pytest loads them

    with Emulator.serve(server=request.param) as emu:
        yield emu


@pytest.fixture
def emu(live: Emulator) -> Iterator[Emulator]:
    """The live emulator of the module's server, reset, with the clouds' hosts redirected to it."""
    live.reset()
    with live.redirect():
        yield live
