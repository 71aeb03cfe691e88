"""PyPI ``ewelink`` 0.2.1, unmodified, against the live emulator through the plugin's host
redirection (it calls ``https://{region}-apia.coolkit.*`` and cannot be pointed elsewhere):
its login starts on the cn host and retries on the region the 10004 names; it lists the
account's devices (its pydantic models accept every record), controls one, and logs out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

ewelink = pytest.importorskip("ewelink", reason="the PyPI ewelink client (a test dependency) is not installed")

from emulator.testing import Emulator  # noqa: E402

APP = ("K6vUf3hTqN2pWx8Ls5Rd0YbJm7Ce1GzA", "Qz4Xw9Ht2Nv6Bp1Lk8Jr3Df7Gs5Ma0Yc")


def client(email: str, password: str, country: str = "+33") -> Any:
    from ewelink.types import AppCredentials, EmailUserCredentials

    return ewelink.EWeLink(AppCredentials(id=APP[0], secret=APP[1]),
                           EmailUserCredentials(email=email, password=password, countryCode=country))


def test_login_retries_on_the_region_lists_controls_and_logs_out(gizwits_server: Emulator) -> None:
    async def flow() -> tuple[list[Any], str]:
        async with client("demo@ewelink.test", "ewelink-demo") as api:
            devices = await api.get_thing_list()
            lamp = next(d for d in devices if d.deviceid == "1000a0b001")
            await api.update_thing_status(lamp, {"switch": "on"})
            return devices, api._login.region  # type: ignore[union-attr]

    devices, region = asyncio.run(flow())
    assert region == "eu"
    assert [d.deviceid for d in devices] == ["1000a0b001", "1000a0b004", "1000a0b032", "1000a0b015", "1000a0b102"]
    assert {d.extra.uiid for d in devices} == {1, 4, 32, 15, 102}
    logins = gizwits_server.journal(method="POST", path="/v2/user/login")
    assert [e.headers["host"] for e in logins] == ["cn-apia.coolkit.cn", "eu-apia.coolkit.cc"]
    assert gizwits_server.device("1000a0b001").attrs["switch"] == "on"
    logout = gizwits_server.journal(method="DELETE", path="/v2/user/logout")
    assert len(logout) == 1 and logout[0].headers["host"] == "eu-apia.coolkit.cc"
    assert gizwits_server.ewelink.accounts()[0]["tokens"] == []  # the at is revoked


def test_a_fresh_account_from_the_fixture(gizwits_server: Emulator, ewelink_account: Any) -> None:
    account = ewelink_account(1, 32, region="us")

    async def flow() -> list[Any]:
        async with client(account.email, account.password, "+1") as api:
            return await api.get_thing_list()

    devices = asyncio.run(flow())
    assert [d.deviceid for d in devices] == account.deviceids
    hosts = [e.headers["host"] for e in gizwits_server.journal(path="/v2/*")]
    assert hosts[:2] == ["cn-apia.coolkit.cn", "us-apia.coolkit.cc"]


def test_a_wrong_password_reaches_the_client_as_its_error(gizwits_server: Emulator) -> None:
    async def flow() -> None:
        async with client("demo@ewelink.test", "wrong-password") as api:
            await api.login()

    with pytest.raises(ewelink.ewelink.EWeLinkError) as raised:
        asyncio.run(flow())
    assert raised.value.error == 10001
