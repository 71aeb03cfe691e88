"""The simulation seen by a client: control, then advance the clock, then devdata and bindings."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_error, login, user_headers
from simulated import demo_at, paris
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud

START = paris(2024, 1, 8, 5)  # Monday 05:00; the demo "Salon" Pilote2 runs the standard program (eco until 06:00)
sim, http = demo_at(START)


@pytest.fixture(params=[True, False], ids=["live", "lazy"])
def mode(request: pytest.FixtureRequest, sim: Cloud) -> bool:
    sim.simulation.set_live(request.param)
    return bool(request.param)


def salon(sim: Cloud) -> str:
    return next(d.did for d in sim.devices if d.product.name == "Pilote2" and d.attrs["timer_switch"])


def devdata(http: TestClient, did: str) -> dict[str, Any]:
    response = http.get(f"/app/devdata/{did}/latest", headers=user_headers(login(http)["token"]))
    assert response.status_code == 200, response.text
    return response.json()


def control(http: TestClient, did: str, **attrs: Any) -> None:
    response = http.post(f"/app/control/{did}", headers=user_headers(login(http)["token"]), json={"attrs": attrs})
    assert response.status_code == 200, response.text


def test_the_program_and_the_report_time(sim: Cloud, http: TestClient, mode: bool) -> None:
    did = salon(sim)
    sim.advance(3599)
    body = devdata(http, did)
    assert (body["attr"]["mode"], body["attr"]["time_hour"], body["updated_at"]) == ("eco", 11, int(START))
    sim.advance(1)
    body = devdata(http, did)
    assert (body["attr"]["mode"], body["attr"]["time_hour"], body["updated_at"]) == ("cft", 12, int(START + 3600))
    sim.advance(14 * 3600)  # 20:00
    listed = http.get("/app/bindings", headers=user_headers(login(http)["token"])).json()["devices"]
    entry = next(e for e in listed if e["did"] == did)
    assert entry["updated_at"] == int(paris(2024, 1, 8, 17))


def test_a_manual_change_ends_at_the_next_slot(sim: Cloud, http: TestClient, mode: bool) -> None:
    did = salon(sim)
    sim.advance(1800)  # 05:30
    control(http, did, mode="fro")
    sim.advance(1799)
    assert devdata(http, did)["attr"]["mode"] == "fro"
    sim.advance(1)  # 06:00
    assert devdata(http, did)["attr"]["mode"] == "cft"


def test_a_boost_through_http(sim: Cloud, http: TestClient, mode: bool) -> None:
    did = salon(sim)
    control(http, did, derog_mode=2, derog_time=60)
    sim.advance(25 * 60)
    attr = devdata(http, did)["attr"]
    assert (attr["derog_mode"], attr["derog_time"], attr["mode"]) == (2, 35, "cft")
    sim.advance(35 * 60)  # 06:00: the boost ends as the program turns to comfort
    attr = devdata(http, did)["attr"]
    assert (attr["derog_mode"], attr["derog_time"], attr["mode"]) == (0, 0, "cft")
    sim.advance(2 * 3600)  # 08:00
    assert devdata(http, did)["attr"]["mode"] == "eco"


def test_a_vacation_through_http(sim: Cloud, http: TestClient, mode: bool) -> None:
    did = salon(sim)
    control(http, did, derog_mode=1, derog_time=3)
    sim.advance(paris(2024, 1, 10, 12) - START)
    attr = devdata(http, did)["attr"]
    assert (attr["derog_mode"], attr["derog_time"], attr["mode"], attr["time_week"]) == (1, 1, "fro", 3)
    sim.advance(paris(2024, 1, 11, 7) - sim.now())  # Thursday 07:00: over since midnight
    attr = devdata(http, did)["attr"]
    assert (attr["derog_mode"], attr["derog_time"], attr["mode"]) == (0, 0, "cft")


def test_a_glow_temperature_change_through_http(sim: Cloud, http: TestClient, mode: bool) -> None:
    did = next(d.did for d in sim.devices if d.product.name == "Glow_Simple")
    control(http, did, mode="cft", cft_tempL=215)
    sim.advance(2 * 3600)
    attr = devdata(http, did)["attr"]
    assert attr["cur_mode"] == 0 and abs(attr["cur_tempL"] + 256 * attr["cur_tempH"] - 215) <= 1


@pytest.mark.parametrize(("product", "attrs", "detail"), [
    ("Pilote2", {"derog_mode": 3}, "derog_mode: 3 is out of range 0..2"),
    ("Pilote2", {"mode": "eco", "time_week": 8}, "time_week: 8 is out of range 0..7"),
    ("Pilote_Pro", {"cft_temp": 200, "cur_temp": 150}, "cur_temp: data point is read-only"),
    ("Pilote_Pro", {"mode": "hot"}, "mode: 'hot' is not one of"),
    ("Bloom", {"wifi_switch": 2}, "wifi_switch: 2 is out of range 0..1"),
])
def test_a_bad_write_is_9025_and_changes_nothing(sim: Cloud, http: TestClient, product: str,
                                                 attrs: dict[str, Any], detail: str) -> None:
    did = next(d.did for d in sim.devices if d.product.name == product)
    before = devdata(http, did)
    response = http.post(f"/app/control/{did}", headers=user_headers(login(http)["token"]), json={"attrs": attrs})
    body = assert_error(response, 9025, 400)
    assert detail in body["detail_message"]
    assert devdata(http, did) == before
