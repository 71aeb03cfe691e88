"""heatzypy, the client Home Assistant uses, unmodified, against a live emulator on a real port.

Its API host is fixed (euapi.gizwits.com); an aiohttp resolver maps that name to the
emulator's socket, so the client code runs exactly as it does against the real cloud
(plain HTTP here: ``use_tls=False``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import next_monday_7am_paris
from heatzypy import HeatzyClient
from heatzypy.exception import AuthenticationFailed, CommandFailed

from emulator.config import EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer
from emulator.testing.redirect import Redirect


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(Cloud(EmulatorConfig(seed=7))) as live:
        yield live


@pytest.fixture(autouse=True)
def fresh_state(server: LiveServer) -> None:
    """The demo, on a Monday at 07:00 (the Pilote2's program asks for comfort)."""
    server.cloud.clock.freeze(next_monday_7am_paris(time.time()))
    server.cloud.reset()


def run(server: LiveServer, scenario: Any, username: str = "demo@heatzy.test", password: str = "heatzy-demo") -> Any:
    async def go() -> Any:
        client = HeatzyClient(username, password, use_tls=False)
        try:
            return await scenario(client)
        finally:
            await client.async_close()

    with Redirect(plain_port=server.port, tls_port=None, tls=None):
        result = asyncio.run(go())
    return result, [e.headers["host"] for e in server.cloud.journal]


def test_login_bindings_and_devices(server: LiveServer) -> None:
    async def scenario(client: HeatzyClient) -> Any:
        bindings = await client.async_bindings()
        devices = await client.async_get_devices()
        return bindings, devices

    (bindings, devices), asked = run(server, scenario)
    assert set(asked) == {"euapi.gizwits.com"}, "the client addressed the real host and reached the emulator"
    assert len(bindings["devices"]) == 9
    names = {d["product_name"] for d in devices.values()}
    assert {"Heatzy", "Pilote2", "Pilote_Pro", "Glow_Simple", "Bloom"} <= names
    pilote2 = next(d for d in devices.values() if d["product_name"] == "Pilote2")
    assert pilote2["attrs"]["mode"] == "cft" and "p1_data1" in pilote2["attrs"]


def test_control_a_pilote2_and_read_the_change_back(server: LiveServer) -> None:
    did = next(b.did for b in server.cloud.bindings if server.cloud.devices.get(b.did).product.name == "Pilote2")

    async def scenario(client: HeatzyClient) -> Any:
        await client.async_control_device(did, {"attrs": {"mode": "eco"}})
        first = (await client.async_get_device(did))["attrs"]["mode"]
        await client.async_control_device(did, {"attrs": {"mode": 2, "lock_switch": 1}})
        return first, (await client.async_get_device(did))["attrs"]

    (first, attrs), _ = run(server, scenario)
    assert first == "eco" and (attrs["mode"], attrs["lock_switch"]) == ("fro", 1)


def test_control_a_v1_with_raw_and_read_the_change_back(server: LiveServer) -> None:
    did = next(b.did for b in server.cloud.bindings if server.cloud.devices.get(b.did).product.name == "Heatzy")

    async def scenario(client: HeatzyClient) -> Any:
        await client.async_control_device(did, {"raw": [1, 1, 1]})
        return (await client.async_get_device_data(did))["attr"]["mode"]

    mode, _ = run(server, scenario)
    assert mode == "经济"


def test_bad_password_surfaces_as_heatzypys_authentication_error(server: LiveServer) -> None:
    async def scenario(client: HeatzyClient) -> Any:
        return await client.async_bindings()

    with pytest.raises(AuthenticationFailed):
        run(server, scenario, password="wrong")


def test_an_invalid_command_surfaces_as_heatzypys_command_error(server: LiveServer) -> None:
    did = next(b.did for b in server.cloud.bindings if server.cloud.devices.get(b.did).product.name == "Pilote2")

    async def scenario(client: HeatzyClient) -> Any:
        # heatzypy retries failed POSTs (400/500/502) after sleeping 3 s each; one bad command is enough.
        client.auth._retry = 0
        await client.async_control_device(did, {"attrs": {"mode": "hot"}})

    with pytest.raises(CommandFailed, match="400"):
        run(server, scenario)
