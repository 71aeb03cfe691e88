"""Two REST gaps found by replaying the docs: what "latest" means for a device offline for more
than a day (seed 001: the last report *within 24 hours*), and the Pilote Pro's set-point ranges
(2024-pilote-pro.txt: comfort 15-30 °C, eco 10-19 °C)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from emulator.testing import Emulator


def latest(emu: Emulator, did: str) -> dict[str, Any]:
    async def get() -> dict[str, Any]:
        async with emu.client() as client:
            return (await client.get(f"/app/devdata/{did}/latest")).json()

    return asyncio.run(get())


def control(emu: Emulator, did: str, token: str, attrs: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async def post() -> tuple[int, dict[str, Any]]:
        async with emu.client() as client:
            answer = await client.post(f"/app/control/{did}", json={"attrs": attrs},
                                       headers={"X-Gizwits-User-token": token})
            return answer.status_code, answer.json()

    return asyncio.run(post())


def test_a_device_offline_for_more_than_a_day_has_no_latest_data(gizwits: Emulator) -> None:
    account = gizwits.account("Pilote2")
    did = account.dids[0]
    gizwits.clock.freeze()
    gizwits.device(did).offline()
    gizwits.clock.advance(hours=23)
    within = latest(gizwits, did)
    assert within["updated_at"] > 0 and within["attr"]["mode"] == "cft", "offline, the last report is kept a day"
    gizwits.clock.advance(hours=2)
    assert latest(gizwits, did) == {"did": did, "updated_at": 0, "attr": {}}
    gizwits.device(did).online()
    back = latest(gizwits, did)
    assert back["updated_at"] == int(gizwits.clock.timestamp()) and back["attr"]["mode"] == "cft"


def test_an_online_device_is_never_stale(gizwits: Emulator) -> None:
    account = gizwits.account("Heatzy")  # a Pilote v1: nothing changes by itself, no reports
    did = account.dids[0]
    gizwits.clock.freeze()
    before = latest(gizwits, did)
    gizwits.clock.advance(days=3)
    after = latest(gizwits, did)
    assert after == before and after["attr"] == {"mode": "舒适"}


@pytest.mark.parametrize(("attrs", "accepted"), [
    ({"cft_temp": 150}, True), ({"cft_temp": 300}, True), ({"cft_temp": 149}, False), ({"cft_temp": 301}, False),
    ({"eco_temp": 100}, True), ({"eco_temp": 190}, True), ({"eco_temp": 99}, False), ({"eco_temp": 191}, False),
])
def test_pilote_pro_set_points_outside_the_documented_ranges_are_9025(gizwits: Emulator, attrs: dict[str, int],
                                                                      accepted: bool) -> None:
    account = gizwits.account("Pilote_Pro")
    did = account.dids[0]
    before = gizwits.device(did).attrs
    status, body = control(gizwits, did, account.token, attrs)
    name, value = next(iter(attrs.items()))
    if accepted:
        assert (status, body) == (200, {}) and gizwits.device(did).attrs[name] == value
    else:
        assert status == 400 and body["error_code"] == 9025 and name in body["detail_message"]
        assert gizwits.device(did).attrs[name] == before[name], "nothing changed"


def test_the_datapoint_document_gives_the_pro_ranges(gizwits: Emulator) -> None:
    async def get() -> dict[str, Any]:
        async with gizwits.client() as client:
            return (await client.get("/app/datapoint", params={"product_key": pro_key})).json()

    pro_key = next(d["product_key"] for d in gizwits.devices() if d["product_name"] == "Pilote_Pro")
    points = {a["name"]: a for a in asyncio.run(get())["entities"][0]["attrs"]}
    assert points["cft_temp"]["uint_spec"] == {"addition": 0, "max": 300, "ratio": 1, "min": 150}
    assert (points["eco_temp"]["uint_spec"]["min"], points["eco_temp"]["uint_spec"]["max"]) == (100, 190)
