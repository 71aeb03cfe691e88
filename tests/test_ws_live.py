"""The WebSocket on real sockets: both servers (uvicorn, hypercorn), both listeners of the live test
server (ws and wss, one cloud), pushes handed across threads and loops, ``clock.advance`` returning
only once its pushes are written, and the admin API's session routes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from websockets.sync.client import connect as connect_sync

from emulator.config import HEATZY_APP_ID
from emulator.gizwits.cloud.accounts import Account
from emulator.testing import Emulator

TIMEOUT = 5.0


def login(account: Account, **options: Any) -> str:
    return json.dumps({"cmd": "login_req", "data": {
        "appid": HEATZY_APP_ID, "uid": account.uid, "token": account.token, "p0_type": "attrs_v4",
        "heartbeat_interval": 30, "auto_subscribe": True, **options}})


async def receive(ws: Any) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


def test_ws_and_wss_on_the_gizwits_hosts_share_one_cloud(emu: Emulator) -> None:
    """A session on each listener (plain 8080, TLS 8880); one REST control reaches both."""
    account = emu.account("Pilote2")
    did = account.dids[0]

    async def flow() -> list[dict[str, Any]]:
        async with websockets.connect("ws://eusandbox.gizwits.com:8080/ws/app/v1") as plain, \
                websockets.connect("wss://eum2m.gizwits.com:8880/ws/app/v1") as secure:
            for ws in (plain, secure):
                await ws.send(login(account))
                assert (await receive(ws))["data"] == {"success": True}
            async with httpx.AsyncClient() as client:
                answer = await client.post(f"https://euapi.gizwits.com/app/control/{did}", json={"attrs": {
                    "mode": "eco"}}, headers={"X-Gizwits-Application-Id": HEATZY_APP_ID,
                                              "X-Gizwits-User-token": account.token})
                assert answer.status_code == 200
            return [await receive(plain), await receive(secure)]

    plain, secure = asyncio.run(flow())
    assert plain == secure and plain["data"]["attrs"]["mode"] == "eco"
    assert sorted(e.headers["host"] for e in emu.journal(path="/ws/app/v1")) == [
        "eum2m.gizwits.com:8880", "eusandbox.gizwits.com:8080"]


def test_clock_advance_returns_once_its_pushes_are_written(emu: Emulator) -> None:
    account = emu.account("Pilote2")
    did = account.dids[0]
    emu.clock.freeze("2025-01-06T04:50:00Z")  # Monday 05:50 in Paris
    assert emu.url is not None
    with connect_sync(emu.url.replace("http", "ws", 1) + "/ws/app/v1") as ws:
        ws.send(login(account))
        assert json.loads(ws.recv(TIMEOUT))["cmd"] == "login_res"
        ws.send(json.dumps({"cmd": "c2s_write", "data": {"did": did, "attrs": {"timer_switch": 1}}}))
        assert json.loads(ws.recv(TIMEOUT))["data"]["attrs"]["mode"] == "eco"
        emu.clock.advance(minutes=20)
        # Written already, not merely queued: the frame journal records a frame once it is sent.
        written = emu.journal(cmd="s2c_noti", direction="out")
        assert written[-1].frame["data"]["attrs"]["mode"] == "cft" and len(written) >= 2
        emu.device(did).press("fro")
        assert emu.journal(cmd="s2c_noti", direction="out")[-1].frame["data"]["attrs"]["mode"] == "fro"
        modes = []
        while (mode := json.loads(ws.recv(TIMEOUT))["data"]["attrs"]["mode"]) != "fro":
            modes.append(mode)
        assert modes[-1] == "cft"


def test_the_admin_api_lists_and_breaks_sessions(emu: Emulator) -> None:
    account = emu.account("Pilote2", "INEA")
    pilote, inea = account.dids

    async def flow() -> dict[str, Any]:
        async with websockets.connect("ws://eusandbox.gizwits.com:8080/ws/app/v1") as ws, \
                httpx.AsyncClient(base_url=f"{emu.url}/_emulator") as admin:
            await ws.send(login(account))
            await receive(ws)
            [session] = (await admin.get("/ws/sessions")).json()
            out: dict[str, Any] = {"session": session}
            out["bad code"] = (await admin.post("/ws/sessions/error", json={"code": 1003})).json()
            out["unknown"] = (await admin.post("/ws/sessions/close", json={"session": "s999"})).status_code
            out["silent"] = (await admin.post("/ws/faults", json={"silent": inea})).json()
            await ws.send(json.dumps({"cmd": "c2s_read", "data": {"did": inea}}))
            await ws.send(json.dumps({"cmd": "c2s_read", "data": {"did": pilote}}))
            out["answered"] = (await receive(ws))["data"]["did"]
            out["cleared"] = (await admin.delete("/ws/faults")).json()
            out["frames"] = (await admin.get("/journal", params={"cmd": "c2s_read", "did": inea})).json()
            out["closed"] = (await admin.post("/ws/sessions/close", json={"session": session["id"],
                                                                          "code": 4000})).json()
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await receive(ws)
            out["code"] = closed.value.rcvd.code if closed.value.rcvd else None
            return out

    out = asyncio.run(flow())
    assert out["session"]["uid"] == account.uid and sorted(out["session"]["subscriptions"]) == sorted(account.dids)
    assert out["session"]["heartbeat_interval"] == 30 and out["session"]["last_ping"] is not None
    assert out["bad code"]["error_code"] == 9015 and out["unknown"] == 404
    assert out["silent"]["silent"] == [inea] and out["answered"] == pilote
    assert [f["note"] for f in out["frames"]] == [f"device {inea} is silent (fault): no answer"]
    assert out["closed"] == {"closed": [out["session"]["id"]]} and out["code"] == 4000
