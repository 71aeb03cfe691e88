"""freezegun and time-machine drive the emulator's clock, in-process and with a live server:
they patch ``time.time`` for the whole process, server thread included."""

from __future__ import annotations

import asyncio

import httpx
import time_machine
from freezegun import freeze_time

from emulator.testing import Emulator
from emulator.testing.live import LiveServer

MONDAY_7AM = 1736146800  # 2025-01-06T07:00:00Z
LOGIN = {"username": "demo@heatzy.test", "password": "heatzy-demo"}


def expire_at(emulator: Emulator) -> int:
    async def login() -> int:
        async with emulator.client() as client:
            return int((await client.post("/app/login", json=LOGIN)).json()["expire_at"])

    return asyncio.run(login())


def test_freezegun_in_process(gizwits: Emulator) -> None:
    with freeze_time("2025-01-06T07:00:00Z"):
        assert gizwits.clock.timestamp() == MONDAY_7AM
        assert expire_at(gizwits) == MONDAY_7AM + 7 * 86400


def test_freezegun_with_a_live_server(gizwits_server: Emulator) -> None:
    with freeze_time("2025-01-06T07:00:00Z") as frozen:
        assert expire_at(gizwits_server) == MONDAY_7AM + 7 * 86400  # answered by the server thread
        frozen.tick(3600)
        clock = httpx.get(f"{gizwits_server.url}/_emulator/clock", timeout=5).json()
        assert clock["now"] == MONDAY_7AM + 3600 and clock["mode"] == "real"


def test_time_machine_in_process_and_live(gizwits_server: Emulator) -> None:
    in_process = Emulator()
    with time_machine.travel(MONDAY_7AM, tick=False):
        assert in_process.clock.timestamp() == MONDAY_7AM
        assert expire_at(gizwits_server) == MONDAY_7AM + 7 * 86400


def test_the_emulator_clock_modes_apply_on_top_of_patched_time(gizwits: Emulator) -> None:
    with freeze_time("2025-01-06T07:00:00Z"):
        gizwits.clock.offset(hours=1)
        assert gizwits.clock.timestamp() == MONDAY_7AM + 3600


def test_a_server_that_answered_under_freezegun_stops_when_told() -> None:
    """freezegun also patches ``time.monotonic``: the server's loop keeps its timers on the real one,
    or a timer armed while time was frozen (uvicorn's stop check) would never fire."""
    server = LiveServer().start()
    try:
        with freeze_time("2025-01-06T07:00:00Z"):
            clock = httpx.get(f"{server.url}/_emulator/clock", timeout=5).json()
            assert clock["now"] == MONDAY_7AM
    finally:
        server.stop()
    assert not server.running
