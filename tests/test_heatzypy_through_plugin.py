"""heatzypy, unmodified and with its default settings (region EU, ``use_tls=True``),
against the live emulator through the plugin's host redirection: its flows, its POST
retry on 500 seen in the journal, and a 9041 throttle reaching it as HTTP 429."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import heatzypy.auth
import pytest
from heatzypy import HeatzyClient
from heatzypy.exception import AuthenticationFailed, CommandFailed, RetrieveFailed

from emulator.gizwits.cloud.accounts import Account
from emulator.testing import Emulator

DEMO = ("demo@heatzy.test", "heatzy-demo")


def by_product(devices: dict[str, Any], name: str) -> str:
    return next(did for did, device in devices.items() if device["product_name"] == name)


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """heatzypy waits 3 s before retrying a POST: record the wait instead of waiting."""
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(heatzypy.auth, "asyncio", SimpleNamespace(
        timeout=asyncio.timeout, sleep=no_wait, CancelledError=asyncio.CancelledError))
    return waits


def test_heatzypy_lists_reads_and_controls_devices(gizwits_server: Emulator) -> None:
    async def flow() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        async with HeatzyClient(*DEMO) as client:
            devices = await client.async_get_devices()
            pilote = by_product(devices, "Pilote2")
            await client.async_control_device(pilote, {"attrs": {"mode": "eco"}})
            v1 = by_product(devices, "Heatzy")
            await client.async_control_device(v1, {"raw": [1, 1, 1]})
            return devices, await client.async_get_device(pilote), await client.async_get_device(v1)

    devices, pilote, v1 = asyncio.run(flow())
    assert len(devices) == 9
    assert all("attrs" in device and device["attrs"] for device in devices.values())
    assert pilote["attrs"]["mode"] == "eco" and pilote["product_name"] == "Pilote2"
    assert v1["attrs"]["mode"] == "经济"
    assert gizwits_server.count(method="POST", path="/app/login") == 1
    assert all(e.headers["host"] == "euapi.gizwits.com" for e in gizwits_server.journal())


def test_heatzypy_with_a_fresh_account(gizwits_server: Emulator, heatzy_account: Any) -> None:
    account: Account = heatzy_account("Glow_Simple", "Pilote_Soc_C3")

    async def flow() -> dict[str, Any]:
        async with HeatzyClient(account.email, account.password) as client:
            return await client.async_get_devices()

    assert sorted(asyncio.run(flow())) == sorted(account.dids)


def test_heatzypy_retries_a_failing_command_and_the_journal_shows_it(gizwits_server: Emulator,
                                                                     retry_waits: list[float]) -> None:
    did = next(d["did"] for d in gizwits_server.devices() if d["product_name"] == "Pilote2" and d["bound_to"])
    gizwits_server.faults.add(method="POST", path="/app/control/*", status=500, times=2)

    async def flow() -> None:
        async with HeatzyClient(*DEMO) as client:
            await client.async_control_device(did, {"attrs": {"mode": "fro"}})

    asyncio.run(flow())
    attempts = gizwits_server.journal(method="POST", path=f"/app/control/{did}")
    assert [e.status for e in attempts] == [500, 500, 200]
    assert all(e.body == {"attrs": {"mode": "fro"}} for e in attempts)
    assert retry_waits == [3, 3]
    assert gizwits_server.device(did).attrs["mode"] == "fro"


def test_heatzypy_gives_up_after_its_retries(gizwits_server: Emulator, retry_waits: list[float]) -> None:
    did = next(d["did"] for d in gizwits_server.devices() if d["product_name"] == "Pilote2" and d["bound_to"])
    gizwits_server.faults.add(method="POST", path="/app/control/*", status=502)

    async def flow() -> None:
        async with HeatzyClient(*DEMO) as client:
            await client.async_control_device(did, {"attrs": {"mode": "fro"}})

    with pytest.raises(CommandFailed, match="502"):
        asyncio.run(flow())
    assert gizwits_server.count(method="POST", path="/app/control/*") == 4  # 1 + heatzypy's 3 retries


def test_a_throttle_reaches_heatzypy_as_http_429(gizwits_server: Emulator) -> None:
    gizwits_server.clock.freeze("2025-01-06T07:00:00Z")  # the bucket does not refill while frozen
    gizwits_server.faults.add(method="GET", path="/app/devdata/*", throttle={"rate": 1, "burst": 2})

    async def flow() -> None:
        async with HeatzyClient(*DEMO) as client:
            await client.async_get_devices()

    with pytest.raises(RetrieveFailed, match="429"):
        asyncio.run(flow())
    throttled = gizwits_server.journal(status=429)
    assert len(throttled) == 1 and throttled[0].error_code == 9041
    assert gizwits_server.count(path="/app/devdata/*") == 3
    # heatzypy compares the token's expire_at with its own (real) clock: frozen in the past,
    # the emulator issues tokens that look expired to it, so it logs in before every call.
    assert gizwits_server.count(path="/app/login") == 4


def test_heatzypy_sees_a_wrong_password(gizwits_server: Emulator) -> None:
    async def flow() -> None:
        async with HeatzyClient("demo@heatzy.test", "wrong") as client:
            await client.async_bindings()

    with pytest.raises(AuthenticationFailed):
        asyncio.run(flow())
    assert gizwits_server.journal()[0].error_code == 9020
