"""Host redirection: aiohttp, httpx and requests clients that call the real Gizwits hosts
reach the live emulator, over TLS with the test authority, with no change to the client."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import httpx
import pytest
import requests

from emulator.gizwits.hosts import WEBSOCKET_HOSTS
from emulator.testing import Emulator
from emulator.testing.redirect import Redirect
from emulator.testing.tls import GIZWITS_HOSTS


async def aiohttp_get(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.parametrize("host", GIZWITS_HOSTS)
def test_aiohttp_reaches_the_emulator_for_every_gizwits_host(gizwits_server: Emulator, host: str) -> None:
    status, body = asyncio.run(aiohttp_get(f"https://{host}/status"))
    assert (status, body) == (200, {"status": {"version": "2.36.0"}})
    [entry] = gizwits_server.journal(path="/status")
    assert entry.headers["host"] == host  # the URL is untouched: only name resolution changed


def test_redirected_aiohttp_clients_close_their_tls_connections_where_python_needs_help(
        gizwits_server: Emulator) -> None:
    """Before Python 3.12.8 a TLS connection closed as asyncio.run() ends could leave its socket open
    (heatzypy's error paths did, now and then: an unclosed-transport warning in a later test). The
    redirected connectors turn on aiohttp's cleanup of such transports there, and only there."""
    async def connector_cleans_up() -> bool:
        async with aiohttp.ClientSession() as session:
            return not session.connector._cleanup_closed_disabled  # type: ignore[union-attr]

    needed = getattr(aiohttp.connector, "NEEDS_CLEANUP_CLOSED", True)
    assert asyncio.run(connector_cleans_up()) is needed


def test_aiohttp_plain_http_goes_to_the_plain_listener(gizwits_server: Emulator) -> None:
    assert asyncio.run(aiohttp_get("http://euapi.gizwits.com/status"))[0] == 200


@pytest.mark.parametrize("host", WEBSOCKET_HOSTS)
def test_aiohttp_websocket_hosts_reach_the_emulator(gizwits_server: Emulator, host: str) -> None:
    async def exchange(url: str) -> dict[str, Any]:
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await ws.send_json({"cmd": "ping"})
            return await ws.receive_json(timeout=5)

    # Not logged in yet: the emulator's WebSocket answers the ping with 1003, on both ports.
    for url in (f"wss://{host}:8880/ws/app/v1", f"ws://{host}:8080/ws/app/v1"):
        assert asyncio.run(exchange(url))["data"]["error_code"] == 1003
    entries = gizwits_server.journal(path="/ws/app/v1")
    assert [(e.method, e.status, e.headers["host"]) for e in entries] == [
        ("WEBSOCKET", 101, f"{host}:8880"), ("WEBSOCKET", 101, f"{host}:8080")]


def test_httpx_sync_and_async_clients_are_redirected(gizwits_server: Emulator) -> None:
    with httpx.Client() as client:
        response = client.post("https://euapi.gizwits.com/app/login", headers={
            "X-Gizwits-Application-Id": "c70a66ff039d41b4a220e198b0fcc8b3"},
            json={"username": "demo@heatzy.test", "password": "heatzy-demo"})
        assert response.status_code == 200 and "token" in response.json()
        assert response.request.url.host == "euapi.gizwits.com"

    async def call() -> int:
        async with httpx.AsyncClient() as client:
            return (await client.get("https://usapi.gizwits.com/status")).status_code

    assert asyncio.run(call()) == 200
    assert [e.headers["host"] for e in gizwits_server.journal()] == ["euapi.gizwits.com", "usapi.gizwits.com"]
    assert gizwits_server.journal()[0].body == {"username": "demo@heatzy.test", "password": "heatzy-demo"}


def test_requests_sessions_are_redirected(gizwits_server: Emulator) -> None:
    response = requests.get("https://api.gizwits.com/status", timeout=5)
    assert response.status_code == 200 and response.url == "https://api.gizwits.com/status"
    assert requests.get("http://api.gizwits.com/errors", timeout=5).status_code == 200
    assert [e.path for e in gizwits_server.journal()] == ["/status", "/errors"]


def test_redirection_ends_with_the_context() -> None:
    originals = (aiohttp.TCPConnector.__init__, httpx.Client.__init__, httpx.AsyncClient.__init__,
                 requests.Session.__init__)
    with Redirect(1, 2, None) as redirect:
        assert aiohttp.TCPConnector.__init__ is not originals[0]
        assert redirect.port_for(443, secure=True) == 2 and redirect.port_for(8080, secure=False) == 1
        assert redirect.handles("EUAPI.gizwits.com.") and not redirect.handles("example.test")
    assert (aiohttp.TCPConnector.__init__, httpx.Client.__init__, httpx.AsyncClient.__init__,
            requests.Session.__init__) == originals


def test_without_tls_the_secure_ports_are_refused() -> None:
    with pytest.raises(ConnectionRefusedError):
        Redirect(1, None, None).port_for(443, secure=True)
