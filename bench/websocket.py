"""Push fan-out of the app WebSocket: 1,000 sessions subscribed to one device, one change (a REST
control), the time until each session has its ``s2c_noti``, and the server's memory per idle
session. Baseline, measured in the same run on the same machine: a bare Starlette WebSocket
endpoint that broadcasts the same frame text to 1,000 clients with one ``send_text`` each.

Both servers run uvicorn in their own process; the 1,000 clients (aiohttp, whose frame reader
is compiled) share this one, so client-side reading costs the same in both columns. Memory is
the server's resident set after a garbage collection and ``malloc_trim``, before the sessions
open and once they are all logged in and idle, divided by their number.

    python bench/websocket.py [sessions] [rounds]      (BENCH_WS=wsproto|websockets-sansio: uvicorn's
                                                        WebSocket implementation, default auto)

Both servers are up at once and their rounds interleave, so a load spike on the machine hits
both columns alike.

Targets: p99 <= 50 ms, p99 <= 1.5 x the baseline's, <= 50 KiB per idle session.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx

APP_ID = "c70a66ff039d41b4a220e198b0fcc8b3"
MODES = ("eco", "fro", "cft")


# -- the two servers (run as subprocesses: ``python bench/websocket.py --serve emulator|baseline``) ----
def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))


def serve(kind: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    from emulator.server import bind_socket

    _raise_fd_limit()
    if kind == "emulator":
        from emulator.app import create_app
        from emulator.config import EmulatorConfig

        app = create_app(EmulatorConfig(fixture="demo", journal_size=100))
    else:
        clients: set[WebSocket] = set()
        frame = {"text": ""}

        async def endpoint(websocket: WebSocket) -> None:
            await websocket.accept()
            clients.add(websocket)
            try:
                while True:
                    await websocket.receive_text()
            except WebSocketDisconnect:
                clients.discard(websocket)

        async def set_frame(request: Request) -> PlainTextResponse:
            frame["text"] = (await request.body()).decode()
            return PlainTextResponse("ok")

        async def broadcast(request: Request) -> PlainTextResponse:
            for websocket in list(clients):
                await websocket.send_text(frame["text"])
            return PlainTextResponse("ok")

        app = Starlette(routes=[WebSocketRoute("/ws", endpoint), Route("/frame", set_frame, methods=["POST"]),
                                Route("/broadcast", broadcast, methods=["POST"])])
    async def memory(request: Request) -> PlainTextResponse:
        """Resident KiB once garbage is collected and freed memory handed back to the system."""
        import ctypes
        import gc

        gc.collect()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        status = Path(f"/proc/{os.getpid()}/status").read_text()
        return PlainTextResponse(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))

    app.router.routes.insert(0, Route("/_bench/memory", memory, methods=["GET"]))

    sock = bind_socket("127.0.0.1", 0)
    print(f"READY {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False,
                            ws=os.environ.get("BENCH_WS", "auto"))
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


class Server:
    def __init__(self, kind: str) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", kind], stdout=subprocess.PIPE,
                                        text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("READY"), line
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


# -- the clients -----------------------------------------------------------------------------------
async def open_sessions(http: aiohttp.ClientSession, url: str, count: int, hello: str | None) -> list[Any]:
    """``count`` connections; each sends ``hello`` (a login) and waits for its answer."""
    async def one() -> Any:
        ws = await http.ws_connect(url, autoping=True, max_msg_size=0)
        if hello is not None:
            await ws.send_str(hello)
            assert json.loads(await ws.receive_str())["data"]["success"] is True
        return ws

    sockets = []
    for start in range(0, count, 100):  # in batches: the accept backlog is 128
        sockets += await asyncio.gather(*(one() for _ in range(min(100, count - start))))
    return sockets


async def round_trip(sockets: list[Any], trigger: Any, did: str | None) -> list[float]:
    """Fire ``trigger`` and return, per session, the seconds until its frame arrived."""
    marker = f'"did":"{did}"' if did else '"s2c_noti"'

    async def wait(ws: Any) -> float:
        while True:
            text = await ws.receive_str()
            if marker in text and '"s2c_noti"' in text:  # no JSON parsing: the clients stay cheap
                return time.perf_counter()

    waiters = [asyncio.ensure_future(wait(ws)) for ws in sockets]
    await asyncio.sleep(0.05)
    start = time.perf_counter()
    await trigger()
    arrivals = await asyncio.wait_for(asyncio.gather(*waiters), 60)
    return [arrival - start for arrival in arrivals]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Side:
    """One server with its sessions open, ready to fire a change."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.server = Server(kind)
        self.did: str | None = None
        self.sockets: list[Any] = []
        self.samples: list[float] = []
        self.alls: list[float] = []
        self.kib = 0.0
        self.frame = ""

    async def open(self, http: httpx.AsyncClient, sockets_http: aiohttp.ClientSession, count: int,
                   frame: str) -> None:
        url = self.server.url
        base_rss = int((await http.get(f"{url}/_bench/memory")).text)
        if self.kind == "emulator":
            login = (await http.post(f"{url}/app/login", headers={"X-Gizwits-Application-Id": APP_ID},
                                     json={"username": "demo@heatzy.test", "password": "heatzy-demo"})).json()
            devices = (await http.get(f"{url}/_emulator/devices")).json()
            self.did = next(d["did"] for d in devices if d["product_name"] == "Pilote2" and d["bound_to"])
            hello = json.dumps({"cmd": "login_req", "data": {
                "appid": APP_ID, "uid": login["uid"], "token": login["token"], "p0_type": "attrs_v4",
                "heartbeat_interval": 180, "auto_subscribe": True}})
            # before the sessions open: a read's answer goes to every session subscribed to the device
            self.frame = await sample_frame(sockets_http, self.server, login, self.did)
            self.sockets = await open_sessions(sockets_http, f"ws://127.0.0.1:{self.server.port}/ws/app/v1",
                                               count, hello)
            headers = {"X-Gizwits-Application-Id": APP_ID, "X-Gizwits-User-token": login["token"]}
            step = iter(range(10**6))

            async def trigger() -> None:
                mode = MODES[next(step) % len(MODES)]
                answer = await http.post(f"{url}/app/control/{self.did}", headers=headers,
                                         json={"attrs": {"mode": mode}})
                assert answer.status_code == 200, answer.text
        else:
            await http.post(f"{url}/frame", content=frame)
            self.sockets = await open_sessions(sockets_http, f"ws://127.0.0.1:{self.server.port}/ws", count, None)

            async def trigger() -> None:
                assert (await http.post(f"{url}/broadcast")).status_code == 200

        self.trigger = trigger
        await asyncio.sleep(1.0)
        self.kib = (int((await http.get(f"{url}/_bench/memory")).text) - base_rss) / count

    async def round(self, counted: bool) -> None:
        latencies = await round_trip(self.sockets, self.trigger, self.did)
        if counted:
            self.samples += latencies
            self.alls.append(max(latencies))

    def results(self) -> dict[str, float]:
        return {"p50": percentile(self.samples, 50) * 1000, "p99": percentile(self.samples, 99) * 1000,
                "all": statistics.median(self.alls) * 1000, "kib": self.kib}


async def measure(count: int, rounds: int) -> tuple[dict[str, float], dict[str, float], int]:
    """Both servers up at once, their rounds interleaved: a load spike on the machine hits both."""
    emulator, baseline = Side("emulator"), Side("baseline")
    try:
        async with httpx.AsyncClient(timeout=60) as http, \
                aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as sockets_http:
            await emulator.open(http, sockets_http, count, "")
            await baseline.open(http, sockets_http, count, emulator.frame)
            for index in range(rounds + 1):  # round 0 warms up, uncounted
                for side in (emulator, baseline) if index % 2 else (baseline, emulator):
                    await side.round(counted=index > 0)
            for ws in (*emulator.sockets, *baseline.sockets):
                await ws.close()
    finally:
        emulator.server.stop()
        baseline.server.stop()
    return emulator.results(), baseline.results(), len(emulator.frame)


async def sample_frame(http: aiohttp.ClientSession, server: Server, login: dict[str, Any], did: str) -> str:
    """The text of one ``s2c_noti`` for the device (what the baseline broadcasts)."""
    async with http.ws_connect(f"ws://127.0.0.1:{server.port}/ws/app/v1") as ws:
        await ws.send_str(json.dumps({"cmd": "login_req", "data": {
            "appid": APP_ID, "uid": login["uid"], "token": login["token"], "auto_subscribe": True}}))
        await ws.receive_str()
        await ws.send_str(json.dumps({"cmd": "c2s_read", "data": {"did": did}}))
        return await ws.receive_str()


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    _raise_fd_limit()
    emulator, baseline, size = asyncio.run(measure(count, rounds))
    print(f"{count} sessions subscribed to one device, one change, {rounds} rounds (frame: {size} bytes)")
    print(f"{'':<30} {'baseline':>10} {'emulator':>10} {'ratio':>7} {'target':>12}")
    rows = (("p50 until s2c_noti (ms)", "p50", ""), ("p99 until s2c_noti (ms)", "p99", "<= 50, 1.5x"),
            ("all sessions served (ms)", "all", ""), ("memory per idle session (KiB)", "kib", "<= 50"))
    for label, key, target in rows:
        ratio = emulator[key] / baseline[key] if baseline[key] else float("nan")
        print(f"{label:<30} {baseline[key]:>10.1f} {emulator[key]:>10.1f} {ratio:>6.2f}x {target:>12}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        raise SystemExit(main())
