"""Host redirection covers every CoolKit host (the one list in ``emulator.ewelink.regions``):
unmodified aiohttp, httpx and requests clients reach the live emulator over TLS with the test
authority, the WebSocket domains' port 8080 included (TLS there, unlike Gizwits' 8080)."""

from __future__ import annotations

import asyncio

import aiohttp
import httpx
import pytest
import requests

from emulator.ewelink.regions import API_HOSTS, DISPATCH_HOSTS, HOSTS, WS_HOSTS
from emulator.testing import Emulator
from emulator.testing.redirect import Redirect


async def aiohttp_get(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json(content_type=None)


def test_the_host_list_is_every_region_api_dispatch_and_websocket_host() -> None:
    assert set(HOSTS) == {*API_HOSTS.values(), *DISPATCH_HOSTS.values(), *WS_HOSTS.values(), "apia.coolkit.cn",
                          "dispa.coolkit.cc"}
    assert API_HOSTS["cn"] == "cn-apia.coolkit.cn" and API_HOSTS["eu"] == "eu-apia.coolkit.cc"


@pytest.mark.parametrize("host", HOSTS)
def test_aiohttp_reaches_the_emulator_over_tls_for_every_coolkit_host(gizwits_server: Emulator, host: str) -> None:
    status, body = asyncio.run(aiohttp_get(f"https://{host}/dispatch/app"))
    assert status == 200 and body["error"] == 0
    [entry] = gizwits_server.journal(path="/dispatch/app")
    assert entry.headers["host"] == host


def test_the_websocket_domains_port_8080_is_tls(gizwits_server: Emulator) -> None:
    redirect = Redirect(1000, 2000, None)
    assert redirect.port_for(8080, secure=True, host="eu-pconnect2.coolkit.cc") == 2000
    assert redirect.port_for(8080, secure=False, host="eusandbox.gizwits.com") == 1000
    answer = httpx.get("https://eu-pconnect2.coolkit.cc:8080/v2/openapi.json")
    assert answer.status_code == 200 and answer.json()["info"]["title"].endswith("API v2")


def test_httpx_and_requests_reach_the_region_hosts(gizwits_server: Emulator) -> None:
    for region, host in API_HOSTS.items():
        answer = httpx.get(f"https://{host}/v2/user/profile", headers={"Authorization": "Bearer nope"})
        assert answer.json()["error"] == 401, region
    with requests.Session() as session:
        answer = session.get("https://eu-dispa.coolkit.cc/dispatch/app")
    assert answer.json()["domain"] == "eu-pconnect2.coolkit.cc"
