"""The in-process transport (``Emulator.transport()``): HTTP without the WebSocket machinery loaded,
and WebSockets that work whichever task opens them, on one client, closed with the client."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
from httpx_ws import aconnect_ws

from emulator.testing import Emulator
from emulator.testing.emulator import IN_PROCESS_URL, IN_PROCESS_WS_URL

ROOT = Path(__file__).resolve().parents[1]

HTTP_ONLY = """
import asyncio, sys
from emulator.testing import Emulator

emulator = Emulator("demo")
did = next(iter(emulator.cloud.devices)).did

async def main():
    async with emulator.client() as client:
        assert (await client.get(f"/app/devdata/{did}/latest")).status_code == 200

asyncio.run(main())
print(sorted(name for name in ("httpx_ws", "wsproto", "httpcore", "anyio._backends._asyncio") if name in sys.modules))
"""


def test_http_requests_in_process_load_no_websocket_library() -> None:
    """The WebSocket client stack is a third of a cold start: a test making only HTTP requests
    does not import it (a fresh interpreter, as a test run starts)."""
    out = subprocess.run([sys.executable, "-c", HTTP_ONLY], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


async def _pinged(client: httpx.AsyncClient) -> dict[str, object]:
    async with aconnect_ws(IN_PROCESS_WS_URL, client) as ws:
        await ws.send_json({"cmd": "ping"})
        return await ws.receive_json(timeout=3)


def test_websockets_opened_from_other_tasks_share_the_client_and_close_with_it(gizwits: Emulator) -> None:
    async def main() -> list[dict[str, object]]:
        async with httpx.AsyncClient(transport=gizwits.transport(), base_url=IN_PROCESS_URL) as client:
            # The first handshake comes from a child task that ends before the client closes.
            answers = list(await asyncio.gather(_pinged(client), _pinged(client), _pinged(client)))
            assert (await client.get("/status")).status_code == 200  # HTTP on the same client meanwhile
            answers.append(await _pinged(client))
            return answers

    # A ping before login is refused, on a socket that stays open: each socket reached the protocol.
    refused = {"cmd": "s2c_invalid_msg", "data": {"error_code": 1003, "msg": "Websocket client not login!"}}
    assert asyncio.run(main()) == [refused] * 4
    assert len(gizwits.journal(path="/ws/app/v1")) == 4


def test_an_app_slow_to_accept_a_websocket_in_process_is_waited_for() -> None:
    """In-process there is no network: a handshake waits as long as the app takes to accept (a loaded
    test machine can stall it past httpx_ws's own one second), up to
    :data:`~emulator.testing.emulator.WEBSOCKET_ACCEPT_TIMEOUT`."""
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket

    from emulator.testing.emulator import EmulatorTransport

    async def slow(websocket: WebSocket) -> None:
        await asyncio.sleep(1.5)
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/ws", slow)])

    async def main() -> str:
        async with httpx.AsyncClient(transport=EmulatorTransport(app), base_url="http://test") as client, \
                aconnect_ws("http://test/ws", client) as ws:
            return await ws.receive_text()

    assert asyncio.run(main()) == "hello"
