"""The demo's eWeLink part, the ``serve`` banner's eWeLink section, and scenarios with an ``ewelink``
part: loaded whole, or refused whole with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from ewelink_support import DOOR, LAMP, POWR2, SPARE, STRIP, TH16, eclient, ecloud, ewelink_of
from starlette.testclient import TestClient

from emulator.cli import banner
from emulator.gizwits.cloud.cloud import Cloud

__all__ = ["eclient", "ecloud"]


def test_the_demo_has_an_eu_account_with_one_device_of_each_uiid_in_rooms(ecloud: Cloud) -> None:
    cloud = ewelink_of(ecloud)
    demo = cloud.accounts.find(email="demo@ewelink.test")
    friend = cloud.accounts.find(email="friend@ewelink.test")
    assert demo is not None and friend is not None and demo.region == friend.region == "eu"
    owned = {t.deviceid: cloud.device(t.deviceid).uiid for t in cloud.things.owned_by(demo.apikey)}
    assert owned == {LAMP: 1, STRIP: 4, POWR2: 32, TH16: 15, DOOR: 102}
    home = cloud.current_home(demo)
    assert [r["name"] for r in home.rooms] == ["Living room", "Kitchen", "Bedroom", "Hall"]
    assert all(cloud.homes.placement(demo.apikey, "device", d).roomid for d in owned)  # type: ignore[union-attr]
    assert cloud.things.get(SPARE) is None and cloud.devices.get(SPARE) is not None
    assert [a.lenient for a in cloud.apps] == [False, True]


def test_the_banner_has_an_ewelink_section(ecloud: Cloud, eclient: TestClient) -> None:
    text = banner(ecloud, "http://127.0.0.1:8000")
    section = text.split("eWeLink (CoolKit API v2)", 1)[1]
    assert "K6vUf3hTqN2pWx8Ls5Rd0YbJm7Ce1GzA" in section and "Qz4Xw9Ht2Nv6Bp1Lk8Jr3Df7Gs5Ma0Yc" in section
    assert "demo@ewelink.test" in section and "ewelink-demo" in section and "region eu" in section
    for deviceid in (LAMP, STRIP, POWR2, TH16, DOOR, SPARE):
        assert deviceid in section
    assert "UIID 102" in section and "not added" in section


SCENARIO: dict[str, Any] = {
    "format": 1,
    "ewelink": {
        "apps": [{"appid": "app-1", "secret": "s1"}],
        "accounts": [{"ref": "a", "email": "a@x.test", "password": "pw-123456", "region": "us", "rooms": ["Den"]},
                     {"ref": "b", "email": "b@x.test", "password": "pw-123456", "region": "us"}],
        "devices": [{"uiid": 4, "ref": "strip", "owner": "a", "room": "Den", "name": "Strip",
                     "shared_with": [{"account": "b"}]},
                    {"uiid": 1, "owner": "a", "params": {"switch": "on"}}],
        "groups": [{"name": "All", "owner": "a", "devices": ["strip"]}],
    },
}


def test_a_scenario_with_an_ewelink_part_loads(eclient: TestClient, ecloud: Cloud) -> None:
    answer = eclient.post("/_emulator/reset", json={"fixture": SCENARIO})
    assert answer.status_code == 200, answer.text
    cloud = ewelink_of(ecloud)
    a = cloud.accounts.find(email="a@x.test")
    b = cloud.accounts.find(email="b@x.test")
    assert a is not None and b is not None
    strip = next(t for t in cloud.things.owned_by(a.apikey) if t.name == "Strip")
    assert [s["apikey"] for s in strip.shares] == [b.apikey]
    assert [t.deviceid for t in cloud.things.shared_with(b.apikey)] == [strip.deviceid]


@pytest.mark.parametrize("broken", [
    {"accounts": [{"email": "a@x.test", "password": "p", "region": "mars"}]},
    {"accounts": [{"email": "a@x.test", "password": "p"}, {"email": "a@x.test", "password": "q"}]},
    {"devices": [{"uiid": 99}]},
    {"devices": [{"uiid": 1, "owner": "nobody"}]},
    {"accounts": [{"ref": "a", "email": "a@x.test", "password": "p"}], "devices": [{"uiid": 1, "owner": "a",
                                                                                    "room": "Attic"}]},
    {"accounts": [{"ref": "a", "email": "a@x.test", "password": "p"}], "devices": [{"uiid": 1, "owner": "a",
                                                                                    "params": {"switch": 3}}]},
    {"accounts": [{"email": "a@x.test"}]},
])
def test_a_broken_ewelink_part_is_refused_whole(eclient: TestClient, ecloud: Cloud, broken: dict[str, Any]) -> None:
    before = ecloud.snapshot()["stores"]
    answer = eclient.post("/_emulator/seed", json={"fixture": {"format": 1, "ewelink": broken}})
    assert answer.status_code == 400 and answer.json()["error_code"] == 9015, answer.text
    assert ecloud.snapshot()["stores"] == before
