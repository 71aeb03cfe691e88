"""Benchmark of the test control plane: how fast a test gets a usable emulator.

Measures, each against a baseline measured in the same run:

- cold start in-process: a fresh interpreter imports the handle, builds the app with the
  demo fixture and answers a first request over ASGITransport (target <= 150 ms);
  baseline: the same for a one-route Starlette app (the floor of any ASGI emulator);
- reset: ``Emulator.reset()`` to the demo fixture (target <= 1 ms); baseline: reloading
  the fixture from scratch (``Cloud.reset()``), what a reset costs without the cache;
- live start: ``Emulator.serve()`` to the first answer over the network (target <= 1 s);
  baseline: a bare uvicorn server with a one-route app, same thread setup.

Run: ``python bench/testplane.py [--runs N]``. Prints a table; exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

COLD_EMULATOR = """
import time
t = time.perf_counter()
import asyncio
from emulator.testing.emulator import Emulator
emu = Emulator()
async def first():
    async with emu.client() as client:
        assert (await client.get("/status")).status_code == 200
asyncio.run(first())
print(time.perf_counter() - t)
"""

COLD_BASELINE = """
import time
t = time.perf_counter()
import asyncio
import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def status(request):
    return JSONResponse({"status": "ok"})
app = Starlette(routes=[Route("/status", status)])
async def first():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        assert (await client.get("/status")).status_code == 200
asyncio.run(first())
print(time.perf_counter() - t)
"""


def in_fresh_interpreter(code: str, runs: int) -> float:
    """Median seconds the code reports, each run in a new interpreter (imports are cold).

    Bytecode caching is allowed (``PYTHONDONTWRITEBYTECODE`` is removed from the child's
    environment) and one unmeasured run comes first, so the numbers are those of a user's
    second and later test runs, not of compiling every module from source.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    samples = []
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                env=env).stdout
        samples.append(float(output.strip().splitlines()[-1]))
    return statistics.median(samples)


def median_time(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def reset_times(runs: int) -> tuple[float, float]:
    from emulator.testing.emulator import Emulator

    emulator = Emulator()
    emulator.reset()  # the first reset loads and caches the fixture
    cached = median_time(emulator.reset, runs)
    full = median_time(emulator.cloud.reset, runs)
    return cached, full


def live_start(runs: int) -> tuple[float, float, float, float]:
    import httpx

    from emulator.testing.emulator import Emulator
    from emulator.testing.live import LiveServer
    from emulator.testing.tls import test_tls

    start = time.perf_counter()
    test_tls()  # the test authority and certificate are made once per process
    tls_made = time.perf_counter() - start

    def serve(tls: bool) -> float:
        start = time.perf_counter()
        with Emulator.serve(tls=tls) as emulator:
            url = emulator.tls_url if tls else emulator.url
            assert httpx.get(f"{url}/status", verify=False, timeout=10).status_code == 200
            return time.perf_counter() - start

    def bare() -> float:
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def status(request: object) -> JSONResponse:
            return JSONResponse({"status": "ok"})

        start = time.perf_counter()
        with LiveServer(app=Starlette(routes=[Route("/status", status)])) as server:
            assert httpx.get(f"{server.url}/status", timeout=10).status_code == 200
            return time.perf_counter() - start

    with_tls = statistics.median(serve(True) for _ in range(runs))
    plain = statistics.median(serve(False) for _ in range(runs))
    baseline = statistics.median(bare() for _ in range(runs))
    return with_tls, plain, baseline, tls_made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per cold/live measure (default 5)")
    args = parser.parse_args()

    cold = in_fresh_interpreter(COLD_EMULATOR, args.runs)
    cold_base = in_fresh_interpreter(COLD_BASELINE, args.runs)
    reset_cached, reset_full = reset_times(max(args.runs * 100, 200))
    live_tls, live_plain, live_base, tls_made = live_start(args.runs)

    rows = [
        ("cold start in-process (import+app+demo+1st request)", cold, 0.150, "1-route Starlette app", cold_base),
        ("reset to demo (cached snapshot)", reset_cached, 0.001, "fixture reload (no cache)", reset_full),
        ("live start to first answer, HTTP + HTTPS", live_tls, 1.0, "bare uvicorn, 1-route app", live_base),
        ("live start to first answer, HTTP only", live_plain, 1.0, "bare uvicorn, 1-route app", live_base),
    ]
    print(f"{'measure':<54} {'median':>10} {'target':>9} {'ok':>3}  {'baseline':<28} {'median':>10} {'ratio':>7}")
    for name, value, target, base_name, base in rows:
        ok = "yes" if value <= target else "NO"
        print(f"{name:<54} {value * 1000:>8.2f}ms {target * 1000:>7.0f}ms {ok:>3}  "
              f"{base_name:<28} {base * 1000:>8.2f}ms {value / base:>6.2f}x")
    print(f"\ntest certificate authority + server certificate (once per process): {tls_made * 1000:.1f}ms")
    resets = max(args.runs * 100, 200)
    print(f"runs: {args.runs} per cold/live measure, {resets} per reset; python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
