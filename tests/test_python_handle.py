"""The ``Emulator`` handle: in-process and live modes over one state model."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from emulator.config import HEATZY_APP_ID
from emulator.core.faults import FaultSpecError
from emulator.gizwits.errors import ApiError
from emulator.testing import Emulator

LOGIN = {"username": "demo@heatzy.test", "password": "heatzy-demo"}


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


def pilote(emulator: Emulator) -> str:
    return next(d["did"] for d in emulator.devices() if d["product_name"] == "Pilote2" and d["bound_to"])


async def mode_seen_by_the_app(client: httpx.AsyncClient, did: str) -> str:
    token = (await client.post("/app/login", json=LOGIN)).json()["token"]
    reply = await client.get(f"/app/devdata/{did}/latest", headers={"X-Gizwits-User-token": token})
    return reply.json()["attr"]["mode"]


def test_in_process_client_talks_to_the_app_without_a_socket() -> None:
    emulator = Emulator()
    assert not emulator.live

    async def calls() -> str:
        async with emulator.client() as client:
            assert client.base_url.host == "euapi.gizwits.com"
            return await mode_seen_by_the_app(client, pilote(emulator))

    assert run(calls()) == "cft"


def test_device_press_and_reset() -> None:
    emulator = Emulator()
    did = pilote(emulator)
    assert emulator.device(did).press("eco") == {"mode": "eco"}
    assert emulator.device(did).attrs["mode"] == "eco"
    emulator.device(did).offline()
    assert emulator.device(did).state()["is_online"] is False
    emulator.reset()
    assert emulator.device(did).attrs["mode"] == "cft"
    assert emulator.device(did).state()["is_online"] is True
    with pytest.raises(ApiError):
        emulator.device("unknown")


def test_reset_to_another_fixture_and_back() -> None:
    emulator = Emulator()
    emulator.reset("empty")
    assert emulator.devices() == []
    emulator.reset()
    assert len(emulator.devices()) == 10


def test_an_inline_fixture() -> None:
    emulator = Emulator({"format": 1, "users": [{"ref": "a", "email": "a@x.test", "password": "a"}],
                         "devices": [{"product": "Bloom", "bound_to": ["a"]}]})
    assert [d["product_name"] for d in emulator.devices()] == ["Bloom"]
    emulator.device(emulator.devices()[0]["did"]).press(mode="eco")
    emulator.reset()
    assert [u["email"] for u in emulator.users()] == ["a@x.test"]


def test_clock_helpers_move_the_emulator_time() -> None:
    emulator = Emulator()
    # A few days back, not years: leaving the frozen clock for an offset from the wall clock makes
    # the devices live through every day in between (their timelines are published point by point).
    start = (datetime.now(UTC) - timedelta(days=3)).replace(hour=7, minute=0, second=0, microsecond=0)
    assert emulator.clock.freeze(start.strftime("%Y-%m-%dT%H:%M:%SZ")) == start
    assert emulator.clock.advance(hours=2) == start + timedelta(hours=2)
    assert emulator.clock.advance("1d") == start + timedelta(days=1, hours=2)
    assert emulator.now() == start + timedelta(days=1, hours=2)
    emulator.clock.offset(days=-1)
    assert emulator.clock.describe()["mode"] == "offset"
    emulator.clock.speed(60)
    assert emulator.clock.describe()["speed"] == 60
    emulator.clock.real()
    with pytest.raises(ValueError, match="instant"):
        emulator.clock.freeze("soon")
    emulator.clock.freeze(0)
    emulator.reset()
    assert emulator.clock.describe()["mode"] == "real"


def test_account_factory_gives_credentials_and_bound_devices() -> None:
    emulator = Emulator()
    account = emulator.account("Pilote2", {"product": "Glow_Simple", "alias": "Kitchen"})
    assert [d.product for d in account.devices] == ["Pilote2", "Glow_Simple"]
    assert account.did("Glow_Simple") == account.devices[1].did
    assert account.appid == HEATZY_APP_ID

    async def calls() -> list[str]:
        async with emulator.client() as client:
            login = await client.post("/app/login", json={"username": account.email, "password": account.password})
            token = login.json()["token"]
            reply = await client.get("/app/bindings", headers={"X-Gizwits-User-token": token})
            return [d["dev_alias"] for d in reply.json()["devices"]]

    assert run(calls()) == ["Kitchen", "Pilote2 1"], "newest binding first"
    again = Emulator().account("Pilote2", {"product": "Glow_Simple", "alias": "Kitchen"})
    assert (again.email, again.password, again.dids) == (account.email, account.password, account.dids)


def test_device_fault_helper_and_fault_list() -> None:
    emulator = Emulator()
    did = pilote(emulator)
    rule = emulator.device(did).fault("not_delivered", times=1)
    assert [r.id for r in emulator.faults] == [rule.id] and len(emulator.faults) == 1

    async def control() -> list[int]:
        async with emulator.client() as client:
            token = (await client.post("/app/login", json=LOGIN)).json()["token"]
            headers = {"X-Gizwits-User-token": token}
            return [(await client.post(f"/app/control/{did}", headers=headers,
                                       json={"attrs": {"mode": "eco"}})).json().get("error_code", 0)
                    for _ in range(2)]

    assert run(control()) == [9021, 0]
    assert emulator.faults.remove(rule) is True
    with pytest.raises(FaultSpecError):
        emulator.faults.add(device="melted")
    emulator.faults.add(status=500)
    emulator.faults.clear()
    assert len(emulator.faults) == 0


def test_snapshot_and_restore_through_the_handle() -> None:
    emulator = Emulator()
    did = pilote(emulator)
    saved = emulator.snapshot()
    emulator.device(did).press("fro")
    emulator.restore(saved)
    assert emulator.device(did).attrs["mode"] == "cft"
    emulator.seed({"format": 1, "devices": [{"product": "Pilote2", "bound_to": []}]})
    assert len(emulator.devices()) == 11


def test_live_mode_shares_the_state_with_the_handle() -> None:
    with Emulator.serve() as emulator:
        assert emulator.live and emulator.url and emulator.tls_url
        did = pilote(emulator)
        emulator.device(did).press("eco")

        async def calls() -> str:
            async with emulator.client() as client:
                assert str(client.base_url).startswith("http://127.0.0.1:")
                return await mode_seen_by_the_app(client, did)

        assert run(calls()) == "eco"
        assert emulator.count(path=f"/app/devdata/{did}/latest") == 1
        secure = httpx.get(f"{emulator.tls_url}/status", verify=False, timeout=5)
        assert secure.status_code == 200
    assert not emulator.live and emulator.url is None


def test_redirect_needs_a_live_server() -> None:
    with pytest.raises(RuntimeError, match="live server"):
        Emulator().redirect()
