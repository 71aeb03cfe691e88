"""Admin API: the physical world around devices, and the outbox (``/_emulator/devices/{did}/...``)."""

from __future__ import annotations

import pytest
from conftest import APP_HEADERS, assert_error
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud


def test_a_disconnected_device_refuses_commands(client: TestClient, demo: dict[str, str],
                                                demo_dids: dict[str, str]) -> None:
    did = demo_dids["Pilote2"]
    assert client.post(f"/_emulator/devices/{did}/online", json={"online": False}).json() == {
        "did": did, "is_online": False}
    bindings = client.get("/app/bindings", headers=demo).json()["devices"]
    assert next(d for d in bindings if d["did"] == did)["is_online"] is False
    assert_error(client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"mode": "eco"}}), 9042, 400)
    client.post(f"/_emulator/devices/{did}/online", json={"online": True})
    assert client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"mode": "eco"}}).status_code == 200


def test_pressing_a_button_is_a_local_change_the_cloud_sees(client: TestClient, demo: dict[str, str],
                                                            demo_dids: dict[str, str], cloud: Cloud) -> None:
    did = demo_dids["Pilote2"]
    assert client.post(f"/_emulator/devices/{did}/press", json={"mode": "eco"}).json() == {"changed": {"mode": "eco"}}
    assert client.get(f"/app/devdata/{did}/latest", headers=demo).json()["attr"]["mode"] == "eco"
    assert cloud.history.of(did)[-1].source == "device"
    assert_error(client.post(f"/_emulator/devices/{did}/press", json={"mode": "warm"}), 9025, 400)
    assert_error(client.post(f"/_emulator/devices/{did}/press", json={}), 9015, 400)
    assert_error(client.post("/_emulator/devices/nope/press", json={"mode": "eco"}), 9014, 404)


def test_environment_is_recorded_on_the_device(client: TestClient, demo_dids: dict[str, str]) -> None:
    did = demo_dids["Glow_Simple"]
    response = client.post(f"/_emulator/devices/{did}/environment",
                           json={"room_temp": 18.5, "window_open": True})
    body = response.json()
    assert body["environment"] == {"window_open": True}  # room_temp sets the room now; it then evolves
    reported = client.get(f"/_emulator/devices/{did}").json()["reported"]
    assert abs(reported["cur_tempL"] + 256 * reported["cur_tempH"] - 185) <= 1  # read with ±0.1 °C noise
    assert client.get(f"/_emulator/devices/{did}").json()["state"]["environment"] == {"window_open": True}


@pytest.mark.parametrize("body", [{}, {"wind": 40}, {"humidity": "damp"}, {"room_temp": "warm"}, {"window_open": 1},
                                  {"room_temp": True}])
def test_bad_environment_is_refused(client: TestClient, demo_dids: dict[str, str], body: dict[str, object]) -> None:
    assert_error(client.post(f"/_emulator/devices/{demo_dids['Glow_Simple']}/environment", json=body), 9015, 400)


def test_online_needs_a_boolean(client: TestClient, demo_dids: dict[str, str]) -> None:
    assert_error(client.post(f"/_emulator/devices/{demo_dids['Pilote2']}/online", json={"online": "no"}), 9015, 400)


def test_outbox_lists_and_clears_what_the_cloud_sent(client: TestClient) -> None:
    client.post("/app/reset_password", headers=APP_HEADERS, json={"email": "demo@heatzy.test"})
    [mail] = client.get("/_emulator/outbox?kind=mail").json()
    assert mail["to"] == "demo@heatzy.test"
    assert client.get("/_emulator/outbox?kind=sms").json() == []
    assert client.get("/_emulator/outbox?to=nobody@x.test").json() == []
    client.delete("/_emulator/outbox")
    assert client.get("/_emulator/outbox").json() == []
