"""The WebSocket API of ``gizwits-emulator serve`` (a real process, uvicorn and hypercorn): heatzypy
and pyGizwits unmodified, the test driving the world through the admin API as a test in another
process would, and ``--ws-heartbeat-timeout``."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import websockets
from heatzypy import HeatzyClient
from heatzypy.exception import HeatzyException, WebsocketError
from support_ws import TLSFront
from test_cli import start, stop
from test_ws_pygizwits import pygizwits_flow

from emulator.config import HEATZY_APP_ID
from emulator.testing.redirect import Redirect
from emulator.testing.tls import test_tls

DEMO = ("demo@heatzy.test", "heatzy-demo")
TIMEOUT = 5.0


@pytest.fixture(params=["uvicorn", "hypercorn"], scope="module")
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    process, url, _ = start("--server", request.param)
    try:
        yield url
    finally:
        stop(process)


def admin(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/_emulator{path}", data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def did_of(url: str, product: str) -> str:
    return next(d["did"] for d in admin(url, "/devices") if d["product_name"] == product and d["bound_to"])


def test_heatzypy_against_serve(served: str) -> None:
    admin(served, "/reset", {})
    admin(served, "/clock", {"freeze": "2025-01-06T04:50:00Z"})  # Monday 05:50 in Paris
    pilote, v1 = did_of(served, "Pilote2"), did_of(served, "Heatzy")
    port = urlsplit(served).port

    async def flow() -> list[dict[str, Any]]:
        client = HeatzyClient(*DEMO, use_tls=False)
        updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        ws = client.websocket
        ws.register_callback(lambda data: updates.put_nowait(copy.deepcopy(data)))

        async def next_update(did: str, name: str, value: Any) -> dict[str, Any]:
            async with asyncio.timeout(TIMEOUT):
                while True:
                    update = await updates.get()
                    if update["did"] == did and update["attrs"].get(name) == value:
                        return update

        seen = []
        try:
            await ws.async_connect()
            listener = asyncio.create_task(ws.async_listen())
            await ws.async_control_device(pilote, {"attrs": {"timer_switch": 1, "mode": "fro"}})
            seen.append(await next_update(pilote, "mode", "fro"))
            await client.async_control_device(v1, {"raw": [1, 1, 3]})
            seen.append(await next_update(v1, "mode", "停止"))
            await asyncio.to_thread(admin, served, f"/devices/{pilote}/press", {"mode": "eco"})
            seen.append(await next_update(pilote, "mode", "eco"))
            await asyncio.to_thread(admin, served, "/clock", {"advance": "15m"})  # 06:05: comfort since 06:00
            seen.append(await next_update(pilote, "mode", "cft"))
            await asyncio.to_thread(admin, served, "/ws/sessions/error", {"code": 1009})
            with pytest.raises(WebsocketError):
                async with asyncio.timeout(TIMEOUT):
                    await listener
            await ws.async_disconnect()
            await ws.async_connect()  # as Home Assistant does on its next refresh
            listener = asyncio.create_task(ws.async_listen())
            await asyncio.to_thread(admin, served, f"/devices/{pilote}/press", {"mode": "fro"})
            seen.append(await next_update(pilote, "mode", "fro"))
        finally:
            await client.async_close()
            with contextlib.suppress(HeatzyException, asyncio.CancelledError):
                await listener
        return seen

    with Redirect(plain_port=port, tls_port=None, tls=None):
        seen = asyncio.run(flow())
    assert [u["attrs"]["mode"] for u in seen] == ["fro", "停止", "eco", "cft", "fro"]
    sessions = admin(served, "/journal?cmd=login_res")
    assert [f["frame"]["data"]["success"] for f in sessions] == [True, True]


def test_pygizwits_against_serve_behind_tls(served: str) -> None:
    admin(served, "/reset", {})
    with TLSFront(urlsplit(served).port or 0) as front, \
            Redirect(plain_port=urlsplit(served).port or 0, tls_port=front.port, tls=test_tls()):
        result = asyncio.run(pygizwits_flow(lambda did: admin(served, f"/devices/{did}/press", {"mode": "eco"})))
    assert result["update"].status.attributes["mode"] == "eco"
    assert len(result["sockets"]) == 2


def test_ws_heartbeat_timeout_option() -> None:
    process, url, banner = start("--ws-heartbeat-timeout", "0.5")
    try:
        assert any("/ws/app/v1" in line for line in banner)

        async def silent_client() -> tuple[list[dict[str, Any]], int | None]:
            login = json.loads(urllib.request.urlopen(urllib.request.Request(
                f"{url}/app/login", data=json.dumps({"username": DEMO[0], "password": DEMO[1]}).encode(),
                headers={"X-Gizwits-Application-Id": HEATZY_APP_ID}), timeout=10).read())
            frames = []
            async with websockets.connect(url.replace("http", "ws", 1) + "/ws/app/v1") as ws:
                await ws.send(json.dumps({"cmd": "login_req", "data": {
                    "appid": HEATZY_APP_ID, "uid": login["uid"], "token": login["token"], "p0_type": "attrs_v4",
                    "heartbeat_interval": 30, "auto_subscribe": False}}))
                with contextlib.suppress(websockets.ConnectionClosed):
                    async with asyncio.timeout(TIMEOUT):
                        async for message in ws:
                            frames.append(json.loads(message))
                return frames, ws.close_code

        frames, code = asyncio.run(silent_client())
    finally:
        stop(process)
    assert frames == [{"cmd": "login_res", "data": {"success": True}},
                      {"cmd": "s2c_invalid_msg", "data": {"error_code": 1011, "msg": "No heartbeat!"}}]
    assert code == 1000
