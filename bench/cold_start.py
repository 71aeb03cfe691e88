"""Cold start and one in-process request, against a one-route Starlette app.

Cold start: a fresh interpreter imports the emulator, assembles the app with the demo scenario
loaded (both clouds) and answers its first request (``GET /app/devdata/{did}/latest``) through
the in-process client (``Emulator.client()``). The baseline, measured in the same run, is a fresh
interpreter importing Starlette and httpx, making a one-route app and answering one request
through httpx's ASGI transport. Each is timed inside the child, from its first line to the
answer (interpreter start-up, the same for both, is left out); runs alternate, the median counts.
Children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` unset, one warm-up run
first), as an installed package starts: compiling the sources is a first-run cost only.

In-process request: in one process, the same request with a user token through the emulator's
in-process transport, against a bare Starlette app answering the same body through the same
transport (:class:`~emulator.testing.emulator.EmulatorTransport`); microseconds per request.
The two take turns in short blocks (``--block`` requests each, ``--blocks`` pairs), and the
ratio is the median of each pair's ratio: the speed of a shared machine drifts by 10-30 %
within seconds, and long blocks gave ratios from 1.10 to 1.36 for the same code; a pair of
short adjacent blocks sees the same machine.

    python bench/cold_start.py [--runs 7] [--block 200] [--blocks 40]

Targets: cold start <= 1.15x the one-route app; in-process request <= 1.2x the bare app.
Not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_COLD = 1.15
TARGET_REQUEST = 1.2

EMULATOR_CHILD = """
import time
begin = time.perf_counter()
import asyncio
from emulator.testing import Emulator
emulator = Emulator("demo")
did = next(iter(emulator.cloud.devices)).did

async def first() -> None:
    async with emulator.client(headers={"X-Gizwits-Application-Id": "c70a66ff039d41b4a220e198b0fcc8b3"}) as client:
        assert (await client.get(f"/app/devdata/{did}/latest")).status_code == 200

asyncio.run(first())
print(time.perf_counter() - begin)
"""

BARE_CHILD = """
import time
begin = time.perf_counter()
import asyncio
import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def latest(request):
    return JSONResponse({"did": request.path_params["did"], "updated_at": 0, "attr": {}})

app = Starlette(routes=[Route("/app/devdata/{did}/latest", latest)])

async def first() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bare") as client:
        assert (await client.get("/app/devdata/x/latest")).status_code == 200

asyncio.run(first())
print(time.perf_counter() - begin)
"""


def child_seconds(code: str) -> float:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def cold_start(runs: int) -> tuple[float, float]:
    child_seconds(EMULATOR_CHILD)  # writes the bytecode caches
    child_seconds(BARE_CHILD)
    emulator, bare = [], []
    for _ in range(runs):
        emulator.append(child_seconds(EMULATOR_CHILD))
        bare.append(child_seconds(BARE_CHILD))
    return statistics.median(emulator), statistics.median(bare)


async def per_request(block: int, blocks: int) -> tuple[float, float, float]:
    """``GET /app/devdata/{did}/latest`` (user token), in turns: microseconds per request for the
    emulator and the bare app (medians over the blocks), and the median of the pairs' ratios."""
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from emulator.config import HEATZY_APP_ID
    from emulator.testing import Emulator
    from emulator.testing.emulator import EmulatorTransport

    emulator = Emulator("demo")
    headers = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
    async with emulator.client(headers=headers) as client:
        login = await client.post("/app/login", json={"username": "demo@heatzy.test", "password": "heatzy-demo"})
        headers["X-Gizwits-User-token"] = login.json()["token"]
        did = next(iter(emulator.cloud.devices)).did
        body = (await client.get(f"/app/devdata/{did}/latest", headers=headers)).json()

    async def latest(request: Request) -> JSONResponse:
        return JSONResponse(body)

    bare = Starlette(routes=[Route("/app/devdata/{did}/latest", latest, methods=["GET"])])
    path = f"/app/devdata/{did}/latest"

    async def timed(client: httpx.AsyncClient) -> float:
        begin = time.perf_counter()
        for _ in range(block):
            response = await client.get(path)
            assert response.status_code == 200
        return (time.perf_counter() - begin) / block * 1e6

    emulated_us, bare_us, ratios = [], [], []
    async with emulator.client(headers=headers) as emulated, \
            httpx.AsyncClient(transport=EmulatorTransport(bare), base_url="http://bare", headers=headers) as plain:
        for _ in range(5):  # warm-up
            await timed(emulated)
            await timed(plain)
        for turn in range(blocks):
            if turn % 10 == 0:
                emulator.clear_journal()
            pair = (await timed(emulated), await timed(plain)) if turn % 2 == 0 else \
                tuple(reversed((await timed(plain), await timed(emulated))))
            emulated_us.append(pair[0])
            bare_us.append(pair[1])
            ratios.append(pair[0] / pair[1])
    return statistics.median(emulated_us), statistics.median(bare_us), statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--block", type=int, default=200)
    parser.add_argument("--blocks", type=int, default=40)
    args = parser.parse_args()
    emulator, bare = cold_start(args.runs)
    emulator_us, bare_us, request_ratio = asyncio.run(per_request(args.block, args.blocks))
    cold_ratio = emulator / bare
    print(f"{'measure':34} {'emulator':>10} {'baseline':>10} {'ratio':>6}  target")
    print(f"{'cold start (import, demo, 1 req)':34} {emulator * 1000:8.0f}ms {bare * 1000:8.0f}ms {cold_ratio:5.2f}x"
          f"  <= {TARGET_COLD}x {'ok' if cold_ratio <= TARGET_COLD else 'MISSED'}")
    print(f"{'in-process devdata/latest':34} {emulator_us:8.0f}us {bare_us:8.0f}us {request_ratio:5.2f}x"
          f"  <= {TARGET_REQUEST}x {'ok' if request_ratio <= TARGET_REQUEST else 'MISSED'}")


if __name__ == "__main__":
    main()
