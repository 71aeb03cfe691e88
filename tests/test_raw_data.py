"""``GET /app/devices/{did}/raw_data``: P0 frames of controls and reports, connection records, query rules."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error, login, user_headers
from simulated import demo_at, paris
from starlette.testclient import TestClient

from emulator.config import HEATZY_APP_ID
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.devices import p0

START = paris(2024, 1, 8, 9)


sim, http = demo_at(START)


@pytest.fixture
def headers(http: TestClient) -> dict[str, str]:
    return user_headers(login(http)["token"])


def did_of(sim: Cloud, product: str) -> str:
    return next(d.did for d in sim.devices if d.product.name == product)


def query(http: TestClient, headers: dict[str, str], did: str, **params: Any) -> httpx.Response:
    return http.get(f"/app/devices/{did}/raw_data", headers=headers, params=params)


def log(http: TestClient, headers: dict[str, str], sim: Cloud, did: str, kind: str = "cmd",
        **params: Any) -> dict[str, Any]:
    """The log since the demo started (its devices' first reports, at START, excluded)."""
    response = query(http, headers, did, type=kind, start_time=int(START), end_time=int(sim.now()), **params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_pilote_v1_raw_control_and_its_report(sim: Cloud, http: TestClient, headers: dict[str, str]) -> None:
    did = did_of(sim, "Heatzy")
    sim.advance(1)
    assert http.post(f"/app/control/{did}", headers=headers, json={"raw": [1, 1, 2]}).status_code == 200
    body = log(http, headers, sim, did, sort="asc")
    assert body["meta"] == {"sort": "asc", "limit": 20, "end_time": int(START) + 1, "did": did, "skip": 0,
                            "start_time": int(START), "total": 2, "type": "cmd"}
    sent, report = body["objects"]
    uid = sim.users.find(HEATZY_APP_ID, email="demo@heatzy.test").uid
    assert sent == {"uid": uid, "timestamp": START + 1, "ip": "127.0.0.1", "payload_bin": "0000000306000090010102",
                    "source": "client", "appid": HEATZY_APP_ID, "type": "app2dev"}
    assert report["type"] == "dev2app" and report["timestamp"] == START + 1
    assert report["payload_bin"] == "00000003050000910402"  # cmd 0091, action 04, mode 解冻 (2)
    assert set(report) == {"ip", "payload_bin", "type", "timestamp"}


def test_an_attrs_control_is_logged_as_its_p0_write_and_the_full_status(sim: Cloud, http: TestClient,
                                                                        headers: dict[str, str]) -> None:
    did = did_of(sim, "Pilote_Pro")
    device = sim.devices.get(did)
    datapoints = device.product.datapoints
    sim.advance(30)
    assert http.post(f"/app/control/{did}", headers=headers,
                     json={"attrs": {"mode": "eco", "eco_temp": 170}}).status_code == 200
    sent, report = log(http, headers, sim, did, sort="asc")["objects"][-2:]
    frame = p0.decode(bytes.fromhex(sent["payload_bin"]))
    assert (frame.cmd, frame.flag, frame.sn) == (p0.CMD_CONTROL, 0, None)
    assert frame.payload == datapoints.encode_write({"mode": "eco", "eco_temp": 170})
    assert datapoints.decode_write(frame.payload) == {"mode": "eco", "eco_temp": 170}
    status = p0.decode(bytes.fromhex(report["payload_bin"]))
    assert status.cmd == p0.CMD_REPORT and status.payload[0] == 0x04
    assert datapoints.decode_status(status.payload[1:]) == device.read(sim.now())


def test_timeline_reports_are_logged_and_the_scheduler_is_d3(sim: Cloud, http: TestClient,
                                                             headers: dict[str, str]) -> None:
    did = did_of(sim, "Heatzy")
    created = http.post(f"/app/devices/{did}/scheduler", headers=headers,
                        json={"repeat": "none", "date": "2024-01-08", "time": "08:30", "attrs": {"mode": 1}})
    assert created.status_code == 201
    sim.advance(3600)
    objects = log(http, headers, sim, did, sort="asc")["objects"]
    assert [o["type"] for o in objects] == ["app2dev", "dev2app"]
    assert objects[0] == {"ip": "127.0.0.1", "payload_bin": "0000000306000090010101", "type": "app2dev",
                          "timestamp": paris(2024, 1, 8, 9, 30), "source": "d3"}
    pilote = did_of(sim, "Pilote2")  # the demo Pilote2 follows the standard program
    sim.advance(8 * 3600)  # 18:00: comfort since 17:00
    reports = log(http, headers, sim, pilote, sort="asc")["objects"]
    assert [o["type"] for o in reports] == ["dev2app"]
    assert reports[0]["timestamp"] == paris(2024, 1, 8, 17)


def test_connection_records(sim: Cloud, http: TestClient, headers: dict[str, str]) -> None:
    did = did_of(sim, "Pilote_Soc")
    device = sim.devices.get(did)
    sim.advance(60)
    sim.set_online(device, False, back_after=600)
    sim.advance(3600)
    body = log(http, headers, sim, did, kind="online")
    assert body["meta"]["type"] == "online" and body["meta"]["sort"] == "desc"
    assert [(o["type"], o["timestamp"]) for o in body["objects"]] == [("dev_online", START + 660),
                                                                     ("dev_offline", START + 60)]
    assert all(o["payload_bin"] == "" for o in body["objects"])
    assert [o["type"] for o in log(http, headers, sim, did)["objects"]] == ["dev2app"]  # the reconnection report


@pytest.mark.parametrize(("sort", "echo", "first"), [("asc", "asc", 0), ("ase", "asc", 0), ("desc", "desc", -1),
                                                     ("dese", "desc", -1)])
def test_both_spellings_of_sort(sim: Cloud, http: TestClient, headers: dict[str, str], sort: str, echo: str,
                                first: int) -> None:
    did = did_of(sim, "Heatzy")
    for mode in (0, 1, 2):
        sim.advance(60)
        http.post(f"/app/control/{did}", headers=headers, json={"raw": [1, 1, mode]})
    everything = log(http, headers, sim, did, sort="asc")["objects"]
    body = log(http, headers, sim, did, sort=sort)
    assert body["meta"]["sort"] == echo
    assert body["objects"][0] == everything[first]


def test_skip_limit_and_total(sim: Cloud, http: TestClient, headers: dict[str, str]) -> None:
    did = did_of(sim, "Heatzy")
    for _ in range(15):
        sim.advance(60)
        http.post(f"/app/control/{did}", headers=headers, json={"raw": [1, 1, 1]})
    full = log(http, headers, sim, did, sort="asc", limit=1000)
    page = log(http, headers, sim, did, sort="asc", skip=20, limit=5)
    assert full["meta"]["total"] == page["meta"]["total"] == 30
    assert page["objects"] == full["objects"][20:25]
    assert len(log(http, headers, sim, did)["objects"]) == 20


def test_entries_are_after_start_and_up_to_end(sim: Cloud, http: TestClient, headers: dict[str, str]) -> None:
    did = did_of(sim, "Heatzy")
    sim.advance(100)
    http.post(f"/app/control/{did}", headers=headers, json={"raw": [1, 1, 1]})
    at = int(sim.now())
    sim.advance(100)
    assert query(http, headers, did, type="cmd", start_time=at, end_time=at + 50).json()["meta"]["total"] == 0
    assert query(http, headers, did, type="cmd", start_time=at - 1, end_time=at).json()["meta"]["total"] == 2


@pytest.mark.parametrize(("change", "detail"), [
    ({"type": "all"}, 'type must be "cmd" or "online"'),
    ({"type": None}, 'type must be "cmd" or "online"'),
    ({"start_time": None}, "start_time is required"),
    ({"end_time": None}, "end_time is required"),
    ({"end_time": "soon"}, "end_time must be an integer"),
    ({"end_time": "+60"}, "end_time"),
    ({"start_time": "+0", "end_time": "+0"}, "end_time must be greater than start_time"),
    ({"start_time": "-172800"}, "less than 48 hours"),
    ({"start_time": "-700000", "end_time": "-690000"}, "kept 7 days"),
    ({"limit": 1001}, "limit must be 1..1000"),
    ({"limit": 0}, "limit must be 1..1000"),
    ({"skip": -1}, "skip must be >= 0"),
    ({"skip": 4500, "limit": 501}, "skip + limit must be at most 5000"),
    ({"sort": "random"}, "sort must be"),
])
def test_every_rule_is_a_9015_with_a_detail(sim: Cloud, http: TestClient, headers: dict[str, str],
                                           change: dict[str, Any], detail: str) -> None:
    did = did_of(sim, "Heatzy")
    sim.advance(8 * 86400)
    headers = user_headers(login(http)["token"])
    now = int(sim.now())
    params: dict[str, Any] = {"type": "cmd", "start_time": now - 3600, "end_time": now}
    for key, value in change.items():
        if isinstance(value, str) and value[:1] in "+-" and key.endswith("_time"):
            value = now + int(value)
        if value is None:
            params.pop(key)
        else:
            params[key] = value
    body = assert_error(query(http, headers, did, **params), 9015, 400)
    assert detail in body["detail_message"]


def test_only_a_bound_device(sim: Cloud, http: TestClient, headers: dict[str, str]) -> None:
    now = int(sim.now())
    params = {"type": "cmd", "start_time": now - 60, "end_time": now}
    assert_error(query(http, headers, "nosuchdevice0000000000", **params), 9014, 404)
    spare = next(d.did for d in sim.devices if not sim.bindings.of_device(d.did))
    assert_error(query(http, headers, spare, **params), 9017, 401)
