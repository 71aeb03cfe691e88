"""Latency of the live server (uvicorn) per request, with the listening socket bound as the
emulator binds it, against a socket bound without ``IPPROTO_TCP`` (the baseline, measured
in the same run): asyncio leaves Nagle on for the latter, and each answer waits for a
delayed ACK.

    python bench/live_server_latency.py [requests]
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable
from unittest import mock

import httpx

from emulator.gizwits.cloud.cloud import Cloud
from emulator.server import bind_socket
from emulator.testing import LiveServer, live


def bind_without_proto(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def per_request_ms(binder: Callable[[str, int], socket.socket], count: int, path: str, **request: object) -> float:
    with mock.patch.object(live, "bind_socket", binder), LiveServer(Cloud()) as server, httpx.Client() as client:
        client.request("GET", f"{server.url}/status")
        start = time.perf_counter()
        for _ in range(count):
            client.request(**{"method": "GET", "url": f"{server.url}{path}", **request})  # type: ignore[arg-type]
        return (time.perf_counter() - start) / count * 1000


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    rows = []
    for label, path, request in (("GET /status", "/status", {}),
                                 ("POST /app/login", "/app/login", {"method": "POST", "json": {"username": "x"},
                                  "headers": {"X-Gizwits-Application-Id": "c70a66ff039d41b4a220e198b0fcc8b3"}})):
        baseline = per_request_ms(bind_without_proto, count, path, **request)
        current = per_request_ms(bind_socket, count, path, **request)
        rows.append((label, baseline, current))
    print(f"{'request':<18} {'baseline ms':>12} {'emulator ms':>12} {'speed-up':>9}")
    for label, baseline, current in rows:
        print(f"{label:<18} {baseline:>12.2f} {current:>12.2f} {baseline / current:>8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
