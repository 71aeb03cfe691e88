"""Devices going offline and coming back: 9042 on control, frozen devdata, reconnection reports."""

from __future__ import annotations

from conftest import assert_error, login, user_headers
from simulated import FeedLog, demo_at, paris
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.devices import Device

START = paris(2024, 1, 8, 7)  # the demo Pilote2 runs the standard program: comfort until 08:00


sim, http = demo_at(START)


def pilote2(sim: Cloud) -> Device:
    return next(d for d in sim.devices if d.product.name == "Pilote2" and d.attrs["timer_switch"])


def test_an_offline_device_refuses_controls_with_9042(sim: Cloud, http: TestClient) -> None:
    device = pilote2(sim)
    sim.set_online(device, False)
    headers = user_headers(login(http)["token"])
    body = assert_error(http.post(f"/app/control/{device.did}", headers=headers, json={"attrs": {"mode": 1}}),
                        9042, 400)
    assert device.did in body["detail_message"]


def test_devdata_of_an_offline_device_shows_its_last_report(sim: Cloud, http: TestClient) -> None:
    device = pilote2(sim)
    headers = user_headers(login(http)["token"])
    sim.advance(600)
    sim.set_online(device, False)
    seen = http.get(f"/app/devdata/{device.did}/latest", headers=headers).json()
    sim.advance(4 * 3600)  # the program moved on to eco at 08:00, unseen
    again = http.get(f"/app/devdata/{device.did}/latest", headers=headers).json()
    assert again == seen
    assert again["attr"]["mode"] == "cft" and again["attr"]["time_hour"] == 14
    listed = http.get("/app/bindings", headers=headers).json()["devices"]
    entry = next(e for e in listed if e["did"] == device.did)
    assert entry["is_online"] is False and entry["state_last_timestamp"] == int(START + 600)


def test_coming_back_online_is_an_event_that_reports_what_changed(sim: Cloud, http: TestClient) -> None:
    device = pilote2(sim)
    log = FeedLog(sim)
    sim.set_online(device, False, back_after=3 * 3600)
    sim.advance(3 * 3600 - 1)
    assert not device.online
    sim.advance(1)
    assert device.online and device.state_changed_at == START + 3 * 3600
    kinds = [(c.kind, c.at, dict(c.attrs)) for c in log.changes if c.did == device.did]
    assert kinds == [("offline", START, {}), ("online", START + 3 * 3600, {}),
                     ("attrs", START + 3 * 3600, {"mode": "eco"})]
    headers = user_headers(login(http)["token"])
    latest = http.get(f"/app/devdata/{device.did}/latest", headers=headers).json()
    assert latest["updated_at"] == int(START + 3 * 3600) and latest["attr"]["mode"] == "eco"


def test_a_device_keeps_running_its_program_while_offline(sim: Cloud) -> None:
    device = pilote2(sim)
    sim.set_online(device, False)
    sim.advance(12 * 3600)  # 19:00: comfort
    sim.set_online(device, True)
    assert device.read(sim.now())["mode"] == "cft"


def test_a_button_pressed_offline_is_reported_when_back(sim: Cloud) -> None:
    device = pilote2(sim)
    sim.set_online(device, False)
    sim.press(device, {"lock_switch": 1})
    assert device.read(sim.now())["lock_switch"] == 0  # nobody heard of it yet
    log = FeedLog(sim)
    sim.set_online(device, True)
    assert log.of(device) == [(START, {"lock_switch": 1})]


def test_bringing_a_device_back_by_hand_cancels_its_scheduled_return(sim: Cloud) -> None:
    device = pilote2(sim)
    sim.set_online(device, False, back_after=3600)
    sim.set_online(device, True)
    sim.set_online(device, False)
    sim.advance(7200)
    assert not device.online


def test_locked_buttons_do_nothing(sim: Cloud) -> None:
    device = pilote2(sim)
    sim.apply(device, {"lock_switch": 1}, source="app")
    assert sim.press(device, {"mode": "fro"}) == {}
    assert device.read(sim.now())["mode"] == "cft"
