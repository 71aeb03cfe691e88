"""heatzypy 2.6.1's ``Websocket``, unmodified, against the live emulator through the plugin's
host redirection (wss://eusandbox.gizwits.com:8880, TLS with the test authority), driven the
way Home Assistant drives it: connect, listen, control, and reconnect when it raises."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from conftest import next_monday_7am_paris
from heatzypy import HeatzyClient
from heatzypy.exception import HeatzyException, WebsocketError

from emulator.testing import Emulator

DEMO = ("demo@heatzy.test", "heatzy-demo")
TIMEOUT = 5.0


def did_of(emu: Emulator, product: str) -> str:
    return next(d["did"] for d in emu.devices() if d["product_name"] == product and d["bound_to"])


class Listening:
    """A connected heatzypy Websocket with ``async_listen`` running, collecting its callbacks."""

    def __init__(self, client: HeatzyClient) -> None:
        self.ws = client.websocket
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.ws.register_callback(lambda data: self.updates.put_nowait(copy.deepcopy(data)))
        self.task: asyncio.Task[None] | None = None

    async def connect(self, *, auto_subscribe: bool = True, all_devices: bool = False) -> None:
        await self.ws.async_connect(auto_subscribe=auto_subscribe, all_devices=all_devices)
        self.task = asyncio.create_task(self.ws.async_listen())

    async def next(self, accept: Callable[[dict[str, Any]], bool] = lambda _: True) -> dict[str, Any]:
        """The next callback payload ``accept`` takes (others are skipped)."""
        async with asyncio.timeout(TIMEOUT):
            while True:
                update = await self.updates.get()
                if accept(update):
                    return update

    async def stop(self) -> None:
        """Disconnect, and let the listener end (it raises once the socket is closed)."""
        await self.ws.async_disconnect()
        if self.task is not None:
            with contextlib.suppress(HeatzyException):
                await self.task

    async def ended(self) -> BaseException | None:
        assert self.task is not None
        async with asyncio.timeout(TIMEOUT):
            try:
                await self.task
            except HeatzyException as error:
                return error
        return None


def run(flow: Callable[[HeatzyClient], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with HeatzyClient(*DEMO) as client:
            return await flow(client)

    return asyncio.run(main())


def test_home_assistant_style_session_gets_every_device_then_pushes(gizwits_server: Emulator) -> None:
    """auto_subscribe and all_devices (hass-heatzy): login, a ping and a read per device sent at once;
    every bound device answers, then a c2s_write is answered by a push with the full state."""
    pilote = did_of(gizwits_server, "Pilote2")
    inea = did_of(gizwits_server, "INEA")

    async def flow(client: HeatzyClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        session = Listening(client)
        await session.connect(auto_subscribe=True, all_devices=True)
        everything = await session.next()
        assert session.ws.is_logged and session.ws.is_updated
        await session.ws.async_control_device(pilote, {"attrs": {"mode": "eco"}})
        after_write = await session.next(lambda d: d[pilote]["attrs"]["mode"] == "eco")
        # What Home Assistant sends to an INEA: derog_mode is not an INEA data point.
        await session.ws.async_control_device(inea, {"attrs": {"on_off": False, "derog_mode": 0}})
        after_inea = await session.next(lambda d: d[inea]["attrs"]["on_off"] == 0)
        await asyncio.sleep(0.05)
        assert not session.task.done(), "a non-fatal s2c_invalid_msg must not end heatzypy's listener"
        assert session.ws.last_invalid_msg is not None and session.ws.last_invalid_msg["error_code"] == 9025
        await session.stop()
        return everything, after_write, after_inea

    everything, after_write, after_inea = run(flow)
    bound = {d["did"] for d in gizwits_server.devices() if d["bound_to"]}
    assert set(everything) == bound and all(device["attrs"] for device in everything.values())
    assert after_write[pilote]["attrs"] == gizwits_server.device(pilote).attrs, "the push is the full state"
    assert len(after_write[pilote]["attrs"]) > 80, "mode and every program point, as the real Pilote2 push"
    assert after_inea[inea]["attrs"]["on_off"] == 0
    reads = gizwits_server.journal(cmd="c2s_read", direction="in")
    assert sorted(f.did for f in reads) == sorted(bound)
    [login] = gizwits_server.journal(cmd="login_req")
    assert login.frame["data"]["token"] == "<redacted>" and login.frame["data"]["heartbeat_interval"] == 30
    first_out = gizwits_server.journal(cmd="*", direction="out")[0]
    assert first_out.cmd == "login_res", "login_res is the first frame the server sends"
    assert not gizwits_server.frames(understood=False)


def test_pushes_after_rest_control_a_press_and_the_program(gizwits_server: Emulator) -> None:
    """Every cause of change reaches the socket: REST control (Pilote v1 raw), the device's own
    button, and the week program when the clock is advanced past a slot."""
    v1, pilote = did_of(gizwits_server, "Heatzy"), did_of(gizwits_server, "Pilote2")
    # Monday 05:50 in Paris: the demo program says eco until 06:00, comfort from 06:00.
    gizwits_server.clock.freeze(next_monday_7am_paris(time.time()) - 70 * 60)

    async def flow(client: HeatzyClient) -> list[dict[str, Any]]:
        session = Listening(client)
        await session.connect()
        await session.next(lambda d: d["did"] == pilote)
        seen = []
        await client.async_control_device(v1, {"raw": [1, 1, 1]})  # REST, as hass-heatzy does for v1
        seen.append(await session.next(lambda d: d["did"] == v1 and d["attrs"]["mode"] == "经济"))
        gizwits_server.device(pilote).press(timer_switch=1)  # the program runs: eco now
        await session.next(lambda d: d["did"] == pilote and d["attrs"]["timer_switch"] == 1)
        gizwits_server.device(pilote).press("fro")  # a manual change, until the program's next slot
        seen.append(await session.next(lambda d: d["did"] == pilote and d["attrs"]["mode"] == "fro"))
        gizwits_server.clock.advance(minutes=15)  # 06:05: the program asked for comfort at 06:00
        seen.append(await session.next(lambda d: d["did"] == pilote and d["attrs"]["mode"] == "cft"))
        await session.stop()
        return seen

    rest, press, program = run(flow)
    assert rest["attrs"] == {"mode": "经济"}
    assert press["attrs"]["mode"] == "fro" and program["attrs"]["mode"] == "cft"
    assert program["attrs"] == gizwits_server.device(pilote).attrs


def test_auto_subscribe_false_subscribes_then_reads(gizwits_server: Emulator) -> None:
    pilote = did_of(gizwits_server, "Pilote2")

    async def flow(client: HeatzyClient) -> dict[str, Any]:
        session = Listening(client)
        await session.connect(auto_subscribe=False)
        await session.ws.async_subscribe([pilote])
        async with asyncio.timeout(TIMEOUT):
            while pilote not in session.ws.subscribed_devices:
                await asyncio.sleep(0.01)
        await session.ws.async_get_devices()  # a read per device: only the subscribed one answers
        update = await session.next()
        await session.ws.async_control_device(pilote, {"attrs": {"mode": "fro"}})
        pushed = await session.next(lambda d: d["attrs"]["mode"] == "fro")
        await session.stop()
        return {"first": update, "pushed": pushed}

    result = run(flow)
    assert result["first"]["did"] == pilote and result["pushed"]["did"] == pilote
    [answer] = gizwits_server.journal(cmd="subscribe_res")
    assert answer.frame["data"] == {"success": [{"did": pilote, "error_code": 0, "msg": "ok"}], "failed": []}
    assert gizwits_server.journal(cmd="s2c_invalid_msg"), "reads of unsubscribed devices are refused (9021)"
    assert {f.frame["data"]["error_code"] for f in gizwits_server.journal(cmd="s2c_invalid_msg")} == {9021}


@pytest.mark.parametrize("break_it", ["1009", "drop", "1011"])
def test_recovers_like_home_assistant_after_the_session_breaks(gizwits_server: Emulator, break_it: str) -> None:
    """heatzypy raises from async_listen; Home Assistant disconnects and connects again (a fresh
    REST login and login_req), and pushes flow on the new socket."""
    pilote = did_of(gizwits_server, "Pilote2")

    async def flow(client: HeatzyClient) -> tuple[BaseException | None, dict[str, Any]]:
        session = Listening(client)
        await session.connect()
        await session.next(lambda d: d["did"] == pilote)
        if break_it == "1009":
            gizwits_server.ws.end()
        elif break_it == "1011":
            gizwits_server.ws.no_heartbeat()
        else:
            gizwits_server.ws.close(code=1001)
        error = await session.ended()
        await session.ws.async_disconnect()
        again = Listening(client)
        await again.connect()
        await again.next(lambda d: d["did"] == pilote)
        gizwits_server.device(pilote).press("fro")
        pushed = await again.next(lambda d: d["did"] == pilote and d["attrs"]["mode"] == "fro")
        await again.stop()
        return error, pushed

    error, pushed = run(flow)
    assert isinstance(error, WebsocketError)
    if break_it == "1009":
        assert str(error) == "M2M socket has closed, please login again!"
    elif break_it == "1011":
        assert str(error) == "No heartbeat!"
    assert pushed["attrs"]["mode"] == "fro"
    assert gizwits_server.count(method="WEBSOCKET", path="/ws/app/v1", status=101) == 2
    assert len(gizwits_server.journal(cmd="login_res")) == 2
