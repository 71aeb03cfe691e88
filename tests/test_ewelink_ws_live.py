"""The eWeLink WebSocket ``/api/ws`` on real sockets: both servers of the live test server (uvicorn,
hypercorn), its plain listener and its TLS one reached as ``wss://eu-pconnect2.coolkit.cc:8080`` (the
domain dispatch answers, through the test redirection), pushes handed across threads, and the dev
server (``gizwits-emulator serve``, a real process)."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any

import httpx
import websockets
from test_cli import start, stop
from websockets.sync.client import connect as connect_sync

from emulator.ewelink.cloud.accounts import EwelinkAccount
from emulator.testing import Emulator

TIMEOUT = 5.0


def user_online(account: EwelinkAccount) -> str:
    return json.dumps({"action": "userOnline", "at": account.at, "apikey": account.apikey, "appid": account.appid,
                       "nonce": "k3j4h5g6", "ts": 1700000000, "userAgent": "app", "sequence": "1700000000000",
                       "version": 8})


async def receive(ws: Any) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))  # type: ignore[no-any-return]


def test_dispatch_then_wss_on_the_websocket_domain_and_plain_ws_share_one_cloud(emu: Emulator) -> None:
    """dispatch answers eu-pconnect2.coolkit.cc:8080; wss there (TLS) and ws on the plain listener both
    get the push of one HTTP status set."""
    account = emu.ewelink.account(1)
    lamp = account.deviceid(1)
    assert emu.url is not None

    async def flow() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with httpx.AsyncClient() as http:
            found = (await http.get("https://eu-dispa.coolkit.cc/dispatch/app")).json()
            address = f"wss://{found['domain']}:{found['port']}/api/ws"
            async with websockets.connect(address) as secure, \
                    websockets.connect(emu.url.replace("http", "ws", 1) + "/api/ws") as plain:
                for ws in (secure, plain):
                    await ws.send(user_online(account))
                    assert (await receive(ws))["error"] == 0
                bearer = {"Authorization": f"Bearer {account.at}"}
                answer = await http.post("https://eu-apia.coolkit.cc/v2/device/thing/status", headers=bearer,
                                         json={"type": 1, "id": lamp, "params": {"switch": "on"}})
                assert answer.json()["error"] == 0
                return found, [await receive(secure), await receive(plain)]

    found, (secure, plain) = asyncio.run(flow())
    assert (found["domain"], found["port"]) == ("eu-pconnect2.coolkit.cc", 8080)
    assert secure == plain and secure["params"] == {"switch": "on"} and secure["deviceid"] == lamp
    hosts = sorted(e.headers["host"] for e in emu.journal(path="/api/ws"))
    assert hosts[0].startswith("127.0.0.1:") and hosts[1] == "eu-pconnect2.coolkit.cc:8080"


def test_update_ping_and_a_press_through_the_admin_api(emu: Emulator) -> None:
    account = emu.ewelink.account(4)
    strip = account.deviceid(4)
    assert emu.url is not None
    with connect_sync("wss://eu-pconnect2.coolkit.cc:8080/api/ws") as ws:
        ws.send(user_online(account))
        assert json.loads(ws.recv(TIMEOUT))["config"]["hb"] == 1
        ws.send("ping")
        assert ws.recv(TIMEOUT) == "pong"
        ws.send(json.dumps({"action": "update", "apikey": account.apikey, "deviceid": strip, "userAgent": "app",
                            "sequence": "55", "params": {"switches": [{"switch": "on", "outlet": 2}]}}))
        assert json.loads(ws.recv(TIMEOUT)) == {"error": 0, "apikey": account.apikey, "deviceid": strip,
                                                "sequence": "55"}
        request = urllib.request.Request(f"{emu.url}/_emulator/devices/{strip}/press", method="POST",
                                         data=json.dumps({"switches": [{"switch": "on", "outlet": 0}]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            assert answer.status == 200
        push = json.loads(ws.recv(TIMEOUT))
    assert push["action"] == "update" and push["deviceid"] == strip
    channels = {c["outlet"]: c["switch"] for c in push["params"]["switches"]}
    assert channels[0] == "on" and channels[2] == "on"


def test_clock_advance_returns_once_its_pushes_are_written(emu: Emulator) -> None:
    """A timer fires on the emulated clock; the push is on the socket when advance returns."""
    account = emu.ewelink.account(1)
    lamp = account.deviceid(1)
    emu.clock.freeze("2025-01-06T08:00:00Z")
    assert emu.url is not None
    with connect_sync(emu.url.replace("http", "ws", 1) + "/api/ws") as ws, \
            connect_sync(emu.url.replace("http", "ws", 1) + "/api/ws") as app:
        for socket in (ws, app):
            socket.send(user_online(account))
            assert json.loads(socket.recv(TIMEOUT))["error"] == 0
        timer = {"enabled": 1, "mId": "t", "type": "once", "at": "2025-01-06T09:00:00.000Z", "do": {"switch": "on"},
                 "coolkit_timer_type": "once"}
        app.send(json.dumps({"action": "update", "deviceid": lamp, "params": {"timers": [timer]}, "sequence": "2"}))
        assert json.loads(app.recv(TIMEOUT))["error"] == 0
        assert "timers" in json.loads(ws.recv(TIMEOUT))["params"]
        emu.clock.advance(hours=2)
        fired = json.loads(ws.recv(0.05))  # already written
    assert fired["params"] == {"switch": "on"}


def test_the_dev_server_serves_api_ws() -> None:
    """``gizwits-emulator serve``: the demo account over the plain listener, HTTP login then the WebSocket."""
    process, url, banner = start()
    try:
        assert any("/api/ws" in line for line in banner), banner
        appid, secret = "K6vUf3hTqN2pWx8Ls5Rd0YbJm7Ce1GzA", "Qz4Xw9Ht2Nv6Bp1Lk8Jr3Df7Gs5Ma0Yc"
        from emulator.ewelink.api.http import sign

        raw = json.dumps({"email": "demo@ewelink.test", "password": "ewelink-demo", "countryCode": "+33"}).encode()
        login = httpx.post(f"{url}/v2/user/login", content=raw, headers={
            "X-CK-Appid": appid, "Authorization": "Sign " + sign(secret, raw), "Content-Type": "application/json"},
            timeout=TIMEOUT).json()["data"]
        with connect_sync(url.replace("http", "ws", 1) + "/api/ws") as ws:
            ws.send(json.dumps({"action": "userOnline", "at": login["at"], "apikey": login["user"]["apikey"],
                                "appid": appid, "nonce": "abcd1234", "sequence": "1"}))
            assert json.loads(ws.recv(TIMEOUT))["error"] == 0
            ws.send(json.dumps({"action": "query", "deviceid": "1000a0b001", "params": ["switch"], "sequence": "2"}))
            answer = json.loads(ws.recv(TIMEOUT))
    finally:
        stop(process)
    assert answer == {"error": 0, "apikey": login["user"]["apikey"], "deviceid": "1000a0b001",
                      "params": {"switch": "off"}, "sequence": "2"}
