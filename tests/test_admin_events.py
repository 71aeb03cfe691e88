"""The admin event stream (``GET /_emulator/events``) on a real server: what changes, from
anywhere, reaches an open stream; an open stream never holds a shutdown up.

Waits are bounded (a few seconds) so a missing event fails the test instead of hanging it;
they assert that events arrive, not how fast (the latency is in docs/dashboard.md).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from conftest import DEMO_EMAIL, DEMO_PASSWORD, MONDAY_7AM_PARIS
from test_cli import start, stop

from emulator.admin import control
from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.core.clock import Clock
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer

APP = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
WAIT = 5.0


class Events:
    """An open event stream, read in a thread; :meth:`next` waits for one event."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.client = httpx.Client(timeout=httpx.Timeout(10.0, read=None))
        request = self.client.build_request("GET", f"{url}/_emulator/events", headers=headers)
        self.response = self.client.send(request, stream=True)
        self.received: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.ended = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for line in self.response.iter_lines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif not line and data:
                    self.received.put((name, json.loads(data)))
                    name, data = "message", ""
        except httpx.HTTPError:
            pass
        finally:
            self.ended.set()

    def next(self, name: str, matching: Callable[[Any], bool] = lambda data: True) -> Any:
        """The next ``name`` event whose data matches (others are skipped)."""
        while True:
            try:
                got, data = self.received.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {name!r} event within {WAIT} s") from None
            if got == name and matching(data):
                return data

    def close(self) -> None:
        self.response.close()
        self.client.close()


@pytest.fixture(params=["uvicorn", "hypercorn"])
def live(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    clock = Clock()
    clock.freeze(MONDAY_7AM_PARIS)
    with LiveServer(Cloud(EmulatorConfig(seed=1), clock=clock), server=request.param) as server:
        yield server


@pytest.fixture
def events(live: LiveServer) -> Iterator[Events]:
    stream = Events(live.url)
    assert stream.response.headers["content-type"].startswith("text/event-stream")
    assert stream.next("hello")["clock"]["mode"] == "frozen"
    yield stream
    stream.close()


def did_of(cloud: Cloud, product: str) -> str:
    return next(d.did for d in sorted(cloud.devices, key=lambda d: d.created_at) if d.product.name == product)


def login(url: str) -> dict[str, str]:
    token = httpx.post(f"{url}/app/login", headers=APP, json={"username": DEMO_EMAIL, "password": DEMO_PASSWORD})
    return {**APP, "X-Gizwits-User-token": token.json()["token"]}


def test_a_client_s_control_reaches_the_stream_with_its_request(live: LiveServer, events: Events) -> None:
    did = did_of(live.cloud, "Pilote2")
    headers = login(live.url)
    httpx.post(f"{live.url}/app/control/{did}", headers=headers, json={"attrs": {"mode": "eco"}})
    change = events.next("change", lambda c: c["did"] == did)
    assert change["attrs"] == {"mode": "eco"} and change["source"] == "app" and change["kind"] == "attrs"
    entry = events.next("journal", lambda e: e["path"] == f"/app/control/{did}")
    assert entry["method"] == "POST" and entry["status"] == 200 and entry["user"] == DEMO_EMAIL


def test_changes_made_in_another_thread_reach_the_stream(live: LiveServer, events: Events) -> None:
    did = did_of(live.cloud, "Glow_Simple")
    control.press(live.cloud, did, {"mode": "fro"})  # this test's thread, not the server's
    assert events.next("change", lambda c: c["did"] == did)["source"] == "device"
    control.set_online(live.cloud, did, False)
    assert events.next("change", lambda c: c["did"] == did and c["kind"] == "offline")


def test_a_program_slot_reaches_the_stream_with_nobody_calling(live: LiveServer, events: Events) -> None:
    bloom = did_of(live.cloud, "Bloom")  # its program goes from comfort to eco at 08:00
    with live.cloud.lock:
        live.cloud.clock.freeze(MONDAY_7AM_PARIS + 3600 - 30)
        live.cloud.sync()
        live.cloud.clock.set_speed(120)  # 08:00 comes a quarter of a second later
    change = events.next("change", lambda c: c["did"] == bloom and c["source"] == "program")
    assert change["attrs"]["mode"] == "eco" and change["at"] == MONDAY_7AM_PARIS + 3600


def test_the_clock_faults_and_bindings_reach_the_stream(live: LiveServer, events: Events) -> None:
    live.cloud.clock.freeze(MONDAY_7AM_PARIS + 60)  # directly, as a test's own code may
    assert events.next("clock")["now"] == MONDAY_7AM_PARIS + 60
    httpx.post(f"{live.url}/_emulator/clock", json={"advance": "1h"})
    assert events.next("clock")["now"] == MONDAY_7AM_PARIS + 3660
    httpx.post(f"{live.url}/_emulator/faults", json={"path": "/app/bindings", "error": 9004})
    assert events.next("faults")[0]["error"] == 9004
    did = did_of(live.cloud, "Pilote2")
    httpx.put(f"{live.url}/app/bindings/{did}", headers=login(live.url), json={"dev_alias": "Cave"})
    events.next("devices")  # an owner's alias is on the card


def test_a_reset_tells_the_stream_to_read_everything_again(live: LiveServer, events: Events) -> None:
    httpx.post(f"{live.url}/_emulator/reset", json={})
    events.next("reset")
    did = did_of(live.cloud, "Pilote2")
    httpx.post(f"{live.url}/_emulator/devices/{did}/press", json={"mode": "eco"})
    assert events.next("change", lambda c: c["did"] == did)["attrs"] == {"mode": "eco"}  # listening to the new state
    httpx.post(f"{live.url}/_emulator/snapshot", json=httpx.get(f"{live.url}/_emulator/snapshot").json())
    events.next("reset")


def test_an_open_stream_does_not_hold_a_live_server_up(live: LiveServer, events: Events) -> None:
    live.stop()
    assert live._thread is not None and not live._thread.is_alive()
    assert events.ended.wait(WAIT)


def test_the_stream_needs_the_admin_token_when_one_is_set() -> None:
    with LiveServer(Cloud(EmulatorConfig(seed=1, admin_token="s3cret"))) as server:
        refused = httpx.get(f"{server.url}/_emulator/events")
        assert refused.status_code == 401 and refused.json()["error_code"] == 9999
        stream = Events(server.url, {"X-Emulator-Admin-Token": "s3cret"})
        try:
            assert stream.next("hello")["clock"]["mode"] == "real"
        finally:
            stream.close()


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_ctrl_c_stops_serve_while_a_stream_is_open(server: str) -> None:
    process, url, lines = start("--server", server)
    assert any("/_emulator/dashboard" in line for line in lines)
    stream = Events(url)
    try:
        stream.next("hello")
    finally:
        stop(process)  # SIGINT, then up to 10 s before it is killed
        stream.close()
    assert process.returncode == 0  # it exited by itself: killed, it would be -9
