"""Dashboard cards for eWeLink devices, in the Gizwits cards' shape: what each shows, and its
actions (the relay, channels, the door, the load, the room, online, a device fault) done through
``/_emulator/cards/{deviceid}/actions/{action}``."""

from __future__ import annotations

from ewelink_support import DOOR, LAMP, POWR2, STRIP, TH16, Ewe, eclient, ecloud, ewe
from starlette.testclient import TestClient

__all__ = ["eclient", "ecloud", "ewe"]
SHAPE = {"did", "title", "product", "product_key", "family", "online", "timezone", "updated_at", "owners", "mode",
         "facts", "actions", "program"}


def test_every_ewelink_device_has_a_card_of_the_common_shape(eclient: TestClient) -> None:
    cards = [c for c in eclient.get("/_emulator/cards").json()["cards"] if c.get("cloud") == "ewelink"]
    assert [c["did"] for c in cards][:5] == [LAMP, STRIP, POWR2, TH16, DOOR]
    for found in cards:
        assert set(found) >= SHAPE
        assert all("perform" not in a for a in found["actions"])
    lamp = cards[0]
    assert lamp["title"] == "Lamp" and lamp["owners"][0]["user"] == "demo@ewelink.test"
    assert lamp["mode"]["value"] == "off"
    facts = {f["name"]: f["text"] for f in cards[2]["facts"]}
    assert facts["power"].startswith("420.00 W")


def test_card_actions_drive_the_device(eclient: TestClient, ewe: Ewe) -> None:
    def act(deviceid: str, action: str, value: object) -> dict:
        answer = eclient.post(f"/_emulator/cards/{deviceid}/actions/{action}", json={"value": value})
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert act(LAMP, "switch", True)["mode"]["value"] == "on"
    assert ewe.status(LAMP)["switch"] == "on"
    act(STRIP, "channel_2", True)
    assert [s["switch"] for s in ewe.status(STRIP)["switches"]] == ["off", "off", "on", "off"]
    assert {f["name"]: f["text"] for f in act(POWR2, "load", 100)["facts"]}["power"].startswith("100.00 W")
    room = {f["name"]: f["text"] for f in act(TH16, "room_temperature", 22.5)["facts"]}
    assert room["temperature"].startswith("22.5")
    assert {f["name"]: f["text"] for f in act(DOOR, "door", True)["facts"]}["door"] == "open"
    act(LAMP, "fault", "not_delivered")
    assert ewe.control(LAMP, {"switch": "off"})["error"] == 4002
    act(LAMP, "fault", "none")
    assert act(LAMP, "online", False)["online"] is False
    assert ewe.control(LAMP, {"switch": "off"})["error"] == 4002
    bad = eclient.post(f"/_emulator/cards/{LAMP}/actions/switch", json={"value": "yes"})
    assert bad.status_code == 400 and bad.json()["error_code"] == 9015
    assert eclient.post(f"/_emulator/cards/{LAMP}/actions/boost", json={"value": 1}).status_code == 400
    assert eclient.get(f"/_emulator/cards/{LAMP}").json()["did"] == LAMP
