"""Admin API: the clock (``/_emulator/clock``): freeze, offset, speed, advance, real."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_error
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud

MONDAY_7AM = 1736146800  # 2025-01-06T07:00:00Z


def test_freeze_at_an_iso_instant_and_read_it_back(client: TestClient) -> None:
    clock = client.post("/_emulator/clock", json={"freeze": "2025-01-06T07:00:00Z"}).json()
    assert clock["mode"] == "frozen" and clock["now"] == MONDAY_7AM
    assert client.get("/_emulator/clock").json()["iso"] == "2025-01-06T07:00:00+00:00"


def test_advance_runs_due_events_in_order(client: TestClient, cloud: Cloud) -> None:
    ran: list[tuple[str, float]] = []
    cloud.events.handle("test.mark", lambda data, due: ran.append((data["name"], due)))
    client.post("/_emulator/clock", json={"freeze": MONDAY_7AM})
    cloud.events.schedule(MONDAY_7AM + 7200, "test.mark", {"name": "late"})
    cloud.events.schedule(MONDAY_7AM + 60, "test.mark", {"name": "early"})
    cloud.events.schedule(MONDAY_7AM + 3 * 86400, "test.mark", {"name": "later"})
    clock = client.post("/_emulator/clock", json={"advance": "2h"}).json()
    assert clock["now"] == MONDAY_7AM + 7200
    assert ran == [("early", MONDAY_7AM + 60), ("late", MONDAY_7AM + 7200)]
    client.post("/_emulator/clock", json={"advance": 3 * 86400})
    assert ran[-1] == ("later", MONDAY_7AM + 3 * 86400)


def test_offset_and_speed_and_back_to_real(client: TestClient) -> None:
    assert client.post("/_emulator/clock", json={"offset": "-1d"}).json()["offset"] == -86400
    speed = client.post("/_emulator/clock", json={"speed": 60}).json()
    assert speed["mode"] == "speed" and speed["speed"] == 60
    assert client.post("/_emulator/clock", json={"real": True}).json()["mode"] == "real"


@pytest.mark.parametrize("body", [
    {}, {"freeze": "tomorrow"}, {"advance": "2 fortnights"}, {"advance": -5}, {"speed": 0}, {"speed": True},
    {"freeze": 1, "advance": 1}, {"rewind": 1},
])
def test_bad_clock_requests_are_refused(client: TestClient, body: dict[str, Any]) -> None:
    before = client.get("/_emulator/clock").json()["mode"]
    assert_error(client.post("/_emulator/clock", json=body), 9015, 400)
    assert client.get("/_emulator/clock").json()["mode"] == before
