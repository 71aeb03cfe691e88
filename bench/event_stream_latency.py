"""Benchmark of the admin event stream: how long a change takes to reach an open stream.

Run: ``python bench/event_stream_latency.py [--changes 200] [--server uvicorn|hypercorn]``. Not a
test: the numbers depend on the machine and its load. A live server on a free port, one open
``GET /_emulator/events``; a client controls a device over REST, again and again, and the time
from sending the control to reading its ``change`` event is measured (target: within a second,
what the dashboard promises), against a baseline measured in the same run: the control's own
round trip (request sent to answer read). A second measure does the same for a change made in
another thread (a button press through the Python control plane, no HTTP), whose baseline is
the press call itself.
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import threading
import time
from collections.abc import Callable

import httpx

from emulator.admin import control
from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer


def reader(url: str, out: queue.Queue[tuple[float, dict[str, object]]], ready: threading.Event) -> None:
    with httpx.stream("GET", f"{url}/_emulator/events", timeout=None) as response:
        name = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
                if name == "hello":
                    ready.set()
            elif line.startswith("data:") and name == "change":
                out.put((time.perf_counter(), json.loads(line[5:])))


def measure(change: Callable[[int], None], source: str, did: str,
            changes: queue.Queue[tuple[float, dict[str, object]]], count: int) -> tuple[list[float], list[float]]:
    """``count`` times: make a change, wait for its event; (seconds to the event, seconds the call took)."""
    latencies, calls = [], []
    for index in range(count):
        sent = time.perf_counter()
        change(index)
        calls.append(time.perf_counter() - sent)
        while True:
            at, seen = changes.get(timeout=10)
            if seen["did"] == did and seen["source"] == source:
                latencies.append(at - sent)
                break
    return latencies, calls


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--server", default="uvicorn", choices=("uvicorn", "hypercorn"))
    args = parser.parse_args()
    cloud = Cloud(EmulatorConfig(seed=1))
    with LiveServer(cloud, server=args.server) as live:
        changes: queue.Queue[tuple[float, dict[str, object]]] = queue.Queue()
        ready = threading.Event()
        threading.Thread(target=reader, args=(live.url, changes, ready), daemon=True).start()
        ready.wait(10)
        did = next(d.did for d in cloud.devices if d.product.name == "Pilote2")
        client = httpx.Client()
        headers = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
        token = client.post(f"{live.url}/app/login", headers=headers,
                            json={"username": "demo@heatzy.test", "password": "heatzy-demo"}).json()["token"]
        headers["X-Gizwits-User-token"] = token
        modes = ("eco", "cft", "fro")

        def rest_control(index: int) -> None:
            client.post(f"{live.url}/app/control/{did}", headers=headers, json={"attrs": {"mode": modes[index % 2]}})

        def press(index: int) -> None:
            control.press(cloud, did, {"mode": modes[1 + index % 2]})

        rest, rest_trip = measure(rest_control, "app", did, changes, args.changes)
        pressed, press_call = measure(press, "device", did, changes, args.changes)
    rows = [
        ("REST control -> change event", rest, rest_trip, "control's round trip"),
        ("press in another thread -> change event", pressed, press_call, "press call"),
    ]
    print(f"| measure ({args.server}, {args.changes} changes each) | p50 ms | p95 ms | max ms | target | "
          "vs baseline (p50) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values, baseline, what in rows:
        ratio = statistics.median(values) / statistics.median(baseline)
        print(f"| {name} | {statistics.median(values) * 1000:.1f} | {percentile(values, 0.95) * 1000:.1f} | "
              f"{max(values) * 1000:.1f} | <= 1000 | x{ratio:.1f} {what} "
              f"({statistics.median(baseline) * 1000:.2f} ms) |")


if __name__ == "__main__":
    main()
