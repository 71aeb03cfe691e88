"""Throughput and p99 latency of the emulated API on a real server, against a bare Starlette app.

Two requests clients make all the time: ``GET /app/devdata/{did}/latest`` with a user token, and
``POST /app/control/{did}`` (a mode change). The baseline, measured in the same run, is a
one-file Starlette app answering the same paths with the same bodies (``JSONResponse``), served
by the same runner (:func:`emulator.server.runner`: the same guarded socket and protocol), so
the ratio is what the emulator's request path costs: middleware, journal, fault matching, the
cloud's lock, token lookup, the device read or write, rendering.

Load comes from ``wrk`` (Debian package ``wrk``; one thread, 50 connections). On a machine with
two cores or more the server is pinned to one core and wrk to another (``taskset``), so the load
generator never takes the server's CPU; the baseline has the same arrangement. Each measurement
is repeated (``--repeat``, alternating emulator and bare) and the median taken.

    python bench/http_throughput.py [--duration 5] [--repeat 3] [--servers uvicorn,hypercorn]

Targets: throughput >= 0.9x bare, p99 <= 1.2x bare, on both servers and both requests.
Not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

APP_ID_HEADER = "X-Gizwits-Application-Id"
TOKEN_HEADER = "X-Gizwits-User-token"
CONTROL_BODY = '{"attrs": {"mode": "eco"}}'
TARGET_THROUGHPUT = 0.9
TARGET_P99 = 1.2


# -- the servers (run in a child process: ``--serve emulator|bare``) -------------------------------
async def _emulator_setup() -> tuple[Any, dict[str, Any]]:
    """The demo emulator, a logged-in demo user and one of their devices (a Pilote2)."""
    from emulator.config import HEATZY_APP_ID
    from emulator.testing import Emulator

    emulator = Emulator("demo")
    async with emulator.client(headers={APP_ID_HEADER: HEATZY_APP_ID}) as client:
        login = await client.post("/app/login", json={"username": "demo@heatzy.test", "password": "heatzy-demo"})
        token = login.json()["token"]
        bindings = (await client.get("/app/bindings", headers={TOKEN_HEADER: token})).json()["devices"]
        did = next(device["did"] for device in bindings if device["dev_alias"] == "Salon")
        headers = {TOKEN_HEADER: token}
        latest = (await client.get(f"/app/devdata/{did}/latest", headers=headers)).json()
        control = (await client.post(f"/app/control/{did}", content=CONTROL_BODY, headers=headers)).json()
    emulator.clear_journal()
    return emulator.app, {"appid": HEATZY_APP_ID, "token": token, "did": did, "latest": latest, "control": control}


def _bare_app(bodies: dict[str, Any]) -> Any:
    """One Starlette app, two endpoints answering what the emulator answers."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def latest(request: Request) -> JSONResponse:
        return JSONResponse(bodies["latest"])

    async def control(request: Request) -> JSONResponse:
        json.loads(await request.body())
        return JSONResponse(bodies["control"])

    return Starlette(routes=[Route("/app/devdata/{did}/latest", latest, methods=["GET"]),
                             Route("/app/control/{did}", control, methods=["POST"])])


def serve(kind: str, server: str, info_path: str) -> None:
    from emulator.server import bind_socket, runner

    app, info = asyncio.run(_emulator_setup())
    if kind == "bare":
        app = _bare_app(info)
    sock = bind_socket("127.0.0.1", 0)
    info["port"] = sock.getsockname()[1]
    Path(info_path).write_text(json.dumps(info))
    gc.freeze()  # as ``gizwits-emulator serve`` does before serving
    asyncio.run(runner(server)(app, sock, log_level="warning"))


# -- the load ----------------------------------------------------------------------------------------
_LUA = """
wrk.method = "{method}"
wrk.headers["{app_header}"] = "{appid}"
wrk.headers["{token_header}"] = "{token}"
wrk.headers["Content-Type"] = "text/plain"
{body}
"""


def _pinning() -> tuple[list[str], list[str]]:
    """``taskset`` prefixes: the server on the first core, wrk on the second (none on one core)."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or not shutil.which("taskset"):
        return [], []
    return ["taskset", "-c", str(cores[0])], ["taskset", "-c", str(cores[1])]


def _unit(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, script: str, duration: float, connections: int, pin: list[str]) -> tuple[float, float]:
    """``(requests per second, p99 in ms)``; non-2xx answers make the run fail."""
    command = [*pin, "wrk", "-t1", f"-c{connections}", f"-d{round(duration)}s", "--latency", "-s", script, url]
    out = subprocess.run(command,
                         capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out)
    assert p99 is not None, out
    return rps, _unit(p99.group(1), p99.group(2))


class Server:
    def __init__(self, kind: str, server: str, pin: list[str]) -> None:
        self.info_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen([*pin, sys.executable, __file__, "--serve", kind, "--server", server,
                                         "--info", self.info_file.name], cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = Path(self.info_file.name).read_text()
            if text:
                self.info = json.loads(text)
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        time.sleep(1.0)  # the server listening
        self.base = f"http://127.0.0.1:{self.info['port']}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        os.unlink(self.info_file.name)


def scripts(info: dict[str, Any], directory: str) -> dict[str, tuple[str, str]]:
    """Per request: ``(path, wrk script)``."""
    common = {"app_header": APP_ID_HEADER, "appid": info["appid"], "token_header": TOKEN_HEADER,
              "token": info["token"]}
    requests = {
        "devdata/latest": (f"/app/devdata/{info['did']}/latest", _LUA.format(method="GET", body="", **common)),
        "control": (f"/app/control/{info['did']}",
                    _LUA.format(method="POST", body=f"wrk.body = '{CONTROL_BODY}'", **common)),
    }
    made = {}
    for name, (path, text) in requests.items():
        script = Path(directory) / (name.replace("/", "_") + ".lua")
        script.write_text(text)
        made[name] = (path, str(script))
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--servers", default="uvicorn,hypercorn")
    parser.add_argument("--serve", choices=("emulator", "bare"))
    parser.add_argument("--server", default="uvicorn")
    parser.add_argument("--info")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.server, args.info)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    server_pin, load_pin = _pinning()
    print(f"wrk -t1 -c{args.connections} -d{round(args.duration)}s, median of {args.repeat}; "
          f"pinning: {' '.join(server_pin) or 'none'} (server) / {' '.join(load_pin) or 'none'} (wrk)")
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for server in args.servers.split(","):
            running = {kind: Server(kind, server, server_pin) for kind in ("emulator", "bare")}
            try:
                made = scripts(running["emulator"].info, directory)
                for name, (path, script) in made.items():
                    results: dict[str, list[tuple[float, float]]] = {"emulator": [], "bare": []}
                    for kind in running:  # warm-up
                        run_wrk(running[kind].base + path, script, 1, args.connections, load_pin)
                    for _ in range(args.repeat):
                        for kind, process in running.items():
                            results[kind].append(run_wrk(process.base + path, script, args.duration,
                                                         args.connections, load_pin))
                    median = {kind: (statistics.median(r for r, _ in runs), statistics.median(p for _, p in runs))
                              for kind, runs in results.items()}
                    rows.append((server, name, *median["emulator"], *median["bare"]))
            finally:
                for process in running.values():
                    process.stop()
    print(f"{'server':10} {'request':15} {'emu req/s':>10} {'bare req/s':>10} {'ratio':>6}  "
          f"{'emu p99':>8} {'bare p99':>8} {'ratio':>6}")
    met = True
    for server, name, rps, p99, bare_rps, bare_p99 in rows:
        throughput, tail = rps / bare_rps, p99 / bare_p99
        ok = throughput >= TARGET_THROUGHPUT and tail <= TARGET_P99
        met &= ok
        print(f"{server:10} {name:15} {rps:10.0f} {bare_rps:10.0f} {throughput:5.2f}x  "
              f"{p99:6.2f}ms {bare_p99:6.2f}ms {tail:5.2f}x  {'ok' if ok else 'MISSED'}")
    print(f"targets: throughput >= {TARGET_THROUGHPUT}x bare, p99 <= {TARGET_P99}x bare: "
          f"{'met' if met else 'not met'}")


if __name__ == "__main__":
    main()
