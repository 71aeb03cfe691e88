"""Glow family temperatures split in L/H bytes, cur_mode, on/off, and INEA's smaller data point set."""

from __future__ import annotations

import httpx
import pytest
from conftest import assert_error, login, user_headers
from simulated import add, demo_at, paris
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud

sim, http = demo_at(paris(2024, 1, 8, 12))


def glow_of(sim: Cloud, name: str = "Glow_Simple") -> str:
    return next(d.did for d in sim.devices if d.product.name == name)


def control(http: TestClient, did: str, attrs: dict[str, object]) -> httpx.Response:
    return http.post(f"/app/control/{did}", headers=user_headers(login(http)["token"]), json={"attrs": attrs})


def latest(http: TestClient, did: str) -> dict[str, object]:
    response = http.get(f"/app/devdata/{did}/latest", headers=user_headers(login(http)["token"]))
    assert response.status_code == 200
    return response.json()["attr"]


@pytest.mark.parametrize(("attrs", "detail"), [
    ({"cft_tempL": 256}, "cft_tempL: 256 is out of range 0..255"),
    ({"eco_tempL": -1}, "eco_tempL: -1 is out of range 0..255"),
    ({"cft_tempH": 2}, "cft_tempH: 2 is out of range 0..1"),
    ({"cft_tempL": 210, "eco_tempL": 300}, "eco_tempL: 300 is out of range 0..255"),
])
def test_each_half_is_checked_against_its_own_spec(sim: Cloud, http: TestClient, attrs: dict[str, object],
                                                   detail: str) -> None:
    did = glow_of(sim)
    before = latest(http, did)
    body = assert_error(control(http, did, attrs), 9025, 400)
    assert body["detail_message"] == detail
    assert latest(http, did) == before  # nothing changed, not even the valid half


def test_writing_only_l_keeps_the_old_h(sim: Cloud, http: TestClient) -> None:
    did = glow_of(sim)
    assert control(http, did, {"cft_tempH": 1, "cft_tempL": 4}).status_code == 200  # 26.0 °C
    assert control(http, did, {"cft_tempL": 20}).status_code == 200
    state = latest(http, did)
    assert (state["cft_tempL"], state["cft_tempH"]) == (20, 1)  # 27.6 °C: H kept


def test_cur_mode_is_the_index_of_the_mode_in_effect(sim: Cloud, http: TestClient) -> None:
    did = glow_of(sim, "onyx")
    assert control(http, did, {"mode": "fro"}).status_code == 200
    assert (latest(http, did)["mode"], latest(http, did)["cur_mode"]) == ("fro", 2)
    assert control(http, did, {"derog_mode": 2, "derog_time": 30}).status_code == 200
    assert (latest(http, did)["mode"], latest(http, did)["cur_mode"]) == ("fro", 0)
    assert control(http, did, {"on_off": 0}).status_code == 200
    assert latest(http, did)["cur_mode"] == 3  # off: stop


def test_the_room_follows_the_comfort_setpoint(sim: Cloud) -> None:
    glow = add(sim, "Glow", mode="cft", cft_tempL=210, cur_tempL=160)
    sim.advance(2 * 3600)
    state = glow.read(sim.now())
    assert state["cur_tempH"] == 0 and abs(state["cur_tempL"] - 210) <= 1
    assert state["week"] == 1 and state["hour"] == 14 and state["minute"] == 0


def test_temperatures_above_25_5_degrees_use_the_high_byte(sim: Cloud) -> None:
    glow = add(sim, "Glow", mode="cft", cft_tempL=14, cft_tempH=1, cur_tempL=14, cur_tempH=1)  # 27.0 °C
    sim.advance(600)
    state = glow.read(sim.now())
    assert state["cur_tempH"] == 1 and abs(state["cur_tempL"] - 14) <= 1


def test_inea_has_no_derogation_and_no_cur_mode(sim: Cloud, http: TestClient) -> None:
    did = glow_of(sim, "INEA")
    state = latest(http, did)
    assert "cur_mode" not in state and "derog_mode" not in state
    assert_error(control(http, did, {"derog_mode": 1}), 9025, 400)
    assert {"TEMP_COM", "SEN_TIME", "WIN_TIME", "cur_tempL", "cur_tempH"} <= set(state)
