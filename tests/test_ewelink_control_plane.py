"""The test control plane works for eWeLink devices and requests: press with the device's params,
offline and back, environment, device state, the journal (with the envelope's error code), fault
rules (error codes answered in the envelope, device faults, throttling), the Python handle and
the ``ewelink_account`` fixture."""

from __future__ import annotations

from typing import Any

from ewelink_support import LAMP, POWR2, STRIP, TH16, Ewe, eclient, ecloud, ewe
from starlette.testclient import TestClient

from emulator.testing import Emulator

__all__ = ["eclient", "ecloud", "ewe"]


def test_press_takes_the_devices_params(eclient: TestClient, ewe: Ewe) -> None:
    answer = eclient.post(f"/_emulator/devices/{LAMP}/press", json={"switch": "on"})
    assert answer.status_code == 200 and answer.json() == {"changed": {"switch": "on"}}
    assert ewe.status(LAMP)["switch"] == "on"
    logs = ewe.ok(ewe.get("/v2/device/history", deviceid=LAMP))["histories"]
    assert logs[0]["userAgent"] == "device" and logs[0]["opsAccount"] == ""
    bad = eclient.post(f"/_emulator/devices/{LAMP}/press", json={"switch": "maybe"})
    assert bad.status_code == 400 and bad.json()["error_code"] == 9015


def test_offline_and_back_through_the_admin_api(eclient: TestClient, ewe: Ewe) -> None:
    assert eclient.post(f"/_emulator/devices/{LAMP}/online", json={"online": False}).status_code == 200
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 4002
    listed = ewe.ok(ewe.get("/v2/device/thing"))["thingList"]
    assert listed[0]["itemData"]["online"] is False
    eclient.post(f"/_emulator/devices/{LAMP}/online", json={"online": True})
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 0


def test_environment_and_state(eclient: TestClient, ewe: Ewe) -> None:
    answer = eclient.post(f"/_emulator/devices/{POWR2}/environment", json={"load": 1000})
    assert answer.json()["changed"]["power"] == "1000.00" and answer.json()["environment"]["load"] == 1000
    assert eclient.post(f"/_emulator/devices/{POWR2}/environment", json={"window_open": True}).status_code == 400
    eclient.post(f"/_emulator/devices/{TH16}/environment", json={"room_temp": 25.0})
    state = eclient.get(f"/_emulator/devices/{TH16}").json()
    assert state["cloud"] == "ewelink" and state["uiid"] == 15 and state["reported"]["currentTemperature"] == "25.0"
    assert state["pending_events"] and state["pending_events"][0]["kind"] == "ewelink.action"
    devices = eclient.get("/_emulator/ewelink/devices").json()
    assert [d["deviceid"] for d in devices][:5] == [LAMP, STRIP, POWR2, TH16, "1000a0b102"]
    accounts = eclient.get("/_emulator/ewelink/accounts").json()
    assert [a["email"] for a in accounts] == ["demo@ewelink.test", "friend@ewelink.test"]
    assert eclient.get("/_emulator/devices").json()[0]["product_name"]  # Gizwits devices stay where they were


def test_the_journal_records_ewelink_requests_with_their_code(eclient: TestClient, ewe: Ewe) -> None:
    ewe.control("1000ffffff", {"switch": "on"})
    ewe.get("/v2/no/such/route")
    entries = eclient.get("/_emulator/journal", params={"path": "/v2/*"}).json()
    assert [(e["path"], e["status"], e["error_code"], e["emulated"]) for e in entries] == [
        ("/v2/user/login", 200, None, True), ("/v2/device/thing/status", 200, 405, True),
        ("/v2/no/such/route", 200, 9999, False)]
    assert entries[0]["headers"]["authorization"] == "<redacted>"
    assert eclient.get("/_emulator/journal", params={"emulated": "false"}).json()[0]["path"] == "/v2/no/such/route"


def test_fault_rules_answer_ewelink_codes_in_the_envelope(eclient: TestClient, ewe: Ewe) -> None:
    rule = eclient.post("/_emulator/faults", json={"path": "/v2/device/thing", "error": 500, "times": 1})
    assert rule.status_code == 201
    first = ewe.get("/v2/device/thing")
    assert first["error"] == 500 and "fault rule" in first["msg"]
    assert ewe.get("/v2/device/thing")["error"] == 0
    eclient.post("/_emulator/faults", json={"device": "not_delivered", "did": LAMP, "times": 1})
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 4002
    assert ewe.control(LAMP, {"switch": "on"})["error"] == 0
    eclient.post("/_emulator/faults", json={"path": "/v2/user/profile", "throttle": {"rate": 0, "burst": 1}})
    assert ewe.get("/v2/user/profile")["error"] == 0
    assert ewe.get("/v2/user/profile")["error"] == 412
    assert eclient.post("/_emulator/faults", json={"error": 12345}).status_code == 400
    bare = eclient.post("/_emulator/faults", json={"path": "/v2/family", "status": 502, "times": 1})
    assert bare.status_code == 201
    assert ewe.client.get("https://eu-apia.coolkit.cc/v2/family",
                          headers={"Authorization": f"Bearer {ewe.at}"}).status_code == 502


def test_admin_accounts_are_logged_in_with_devices(eclient: TestClient) -> None:
    made = eclient.post("/_emulator/ewelink/accounts", json={"devices": [1, {"uiid": 4, "name": "Strip"}],
                                                            "region": "us"})
    assert made.status_code == 201
    account = made.json()
    client = Ewe(eclient, "us-apia.coolkit.cc")
    things = client.ok(client.get("/v2/device/thing", at=account["at"]))["thingList"]
    assert [t["itemData"]["name"] for t in things] == ["BASICR2 1", "Strip"]
    assert eclient.post("/_emulator/ewelink/accounts", json={"devices": [99]}).status_code == 400


def test_the_python_handle_drives_ewelink_devices() -> None:
    emu = Emulator("demo")
    account = emu.ewelink.account(1, 32)
    deviceid = account.deviceid(32)
    assert emu.device(deviceid).press(switch="on") == {"switch": "on", "power": "60.00", "current": "0.26"}
    assert emu.device(deviceid).attrs["power"] == "60.00"
    emu.device(deviceid).offline()
    assert emu.ewelink.devices()[-1]["online"] is False
    emu.reset()
    assert [d["deviceid"] for d in emu.ewelink.devices()][:1] == [LAMP]
    assert all(d["deviceid"] != deviceid for d in emu.ewelink.devices())


def test_the_pytest_fixture(pytester: Any) -> None:
    pytester.makepyfile("""
        import asyncio, httpx

        def test_account(gizwits, ewelink_account):
            account = ewelink_account(1, 102)
            async def things():
                async with gizwits.ewelink.client("eu") as client:
                    answer = await client.get("/v2/device/thing", headers={"Authorization": "Bearer " + account.at})
                    return answer.json()
            body = asyncio.run(things())
            assert body["error"] == 0
            assert [t["itemData"]["deviceid"] for t in body["data"]["thingList"]] == account.deviceids
    """)
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_an_inline_fixture_loads_both_clouds_and_resets_to_both() -> None:
    fixture = {"format": 1, "ewelink": {"apps": [{"appid": "a1", "secret": "s1"}],
                                         "accounts": [{"ref": "x", "email": "x@x.test", "password": "pw"}],
                                         "devices": [{"uiid": 1, "owner": "x", "deviceid": "1000c0ffee"}]}}
    emu = Emulator(fixture)
    assert [d["deviceid"] for d in emu.ewelink.devices()] == ["1000c0ffee"]
    emu.ewelink.account(4)
    assert len(emu.ewelink.devices()) == 2
    emu.reset()
    assert [d["deviceid"] for d in emu.ewelink.devices()] == ["1000c0ffee"]
