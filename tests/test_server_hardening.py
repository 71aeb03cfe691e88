"""A live server against clients that go away, stall, pile up idle connections, or are held by a fault."""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

SERVERS = ["uvicorn", "hypercorn"]


class Served:
    """``gizwits-emulator serve`` in a process, its output collected."""

    def __init__(self, *options: str, descriptors: int | None = None) -> None:
        def limit() -> None:
            if descriptors is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))

        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--port", "0", *options], preexec_fn=limit,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: list[str] = []
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            match = re.search(r"listening on http://([\d.]+):(\d+)", line)
            if match:
                self.host, self.port = match.group(1), int(match.group(2))
                break
        else:
            self.process.wait(timeout=10)
            self.process.stdout.close()
            raise AssertionError("".join(self.lines))
        self._collector = threading.Thread(target=self._collect, daemon=True)
        self._collector.start()

    def _collect(self) -> None:
        """Every line until the process ends; then the pipe is closed (no file left open)."""
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append(line)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def output_after(self, banner_end: int) -> str:
        return "".join(self.lines[banner_end:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self._collector.join(timeout=10)


@pytest.fixture(params=SERVERS)
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    server = Served("--server", request.param)
    time.sleep(0.2)  # the rest of the banner
    yield server
    server.stop()


def test_a_client_gone_mid_body_is_one_line_in_the_log(served: Served) -> None:
    start = len(served.lines)
    head = (b"POST /app/login HTTP/1.1\r\nHost: x\r\nX-Gizwits-Application-Id: c70a66ff039d41b4a220e198b0fcc8b3\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"username\": ")
    with socket.create_connection((served.host, served.port)) as gone:
        gone.sendall(head)
        time.sleep(0.3)
    with socket.create_connection((served.host, served.port)) as half_closed:
        half_closed.sendall(head)
        half_closed.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := half_closed.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    if status_line:  # a half-closed client that still hears hears a 9015, never a 500
        assert b" 400 " in status_line, answer
        assert json.loads(rest.partition(b"\r\n\r\n")[2])["error_code"] == 9015
    assert httpx.get(f"{served.url}/status").status_code == 200
    time.sleep(0.3)
    output = served.output_after(start)
    assert "Traceback" not in output and "unexpected error" not in output and "9008" not in output
    assert 1 <= output.count("went away") <= 2, output


@pytest.mark.parametrize("server", SERVERS)
def test_idle_and_stalled_connections_are_closed_after_the_head_timeout(server: str) -> None:
    served = Served("--server", server, "--header-timeout", "2")
    try:
        closed_by_the_server(served)
    finally:
        served.stop()


def closed_by_the_server(served: Served) -> None:
    idle = socket.create_connection((served.host, served.port))
    stalled = socket.create_connection((served.host, served.port))
    stalled.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n")  # never the end of the head
    begun = time.monotonic()
    for connection in (idle, stalled):
        connection.settimeout(10)
        try:
            received = connection.recv(65536)
        except ConnectionResetError:
            received = b""
        connection.close()
        assert received == b""  # closed by the server, nothing answered
    assert time.monotonic() - begun < 8  # after the head timeout (2 s), well before our own 10 s


def test_many_idle_connections_do_not_shut_new_clients_out() -> None:
    """1,100 idle connections against a process allowed 1,024 file descriptors."""
    for name in SERVERS:
        served = Served("--server", name, "--header-timeout", "30", descriptors=1024)
        idle: list[socket.socket] = []
        try:
            for _ in range(1100):
                with contextlib.suppress(OSError):
                    idle.append(socket.create_connection((served.host, served.port), timeout=5))
            time.sleep(1.5)  # the idle ones are now the first to go
            # While the idle connections told to close are still open (their server has not seen the end
            # yet, at most MAX_CLOSING of them), a new one may be refused with a 503: within a few
            # seconds new clients are served, and from then on every one.
            deadline = time.monotonic() + 5
            while httpx.get(f"{served.url}/status", timeout=5).status_code != 200:
                assert time.monotonic() < deadline, f"{name}: no new client served within 5 s"
                time.sleep(0.1)
            for attempt in range(5):
                response = httpx.get(f"{served.url}/status", timeout=5)
                assert response.status_code == 200, (name, attempt)
            assert served.process.poll() is None
            assert "Too many open files" not in served.output_after(0)
        finally:
            for connection in idle:
                connection.close()
            served.stop()


@pytest.mark.parametrize("server", SERVERS)
def test_sigterm_stops_within_seconds_with_a_request_held_by_a_latency_fault(server: str) -> None:
    served = Served("--server", server)  # requests in flight get 3 s (--shutdown-timeout)
    try:
        rule = httpx.post(f"{served.url}/_emulator/faults", json={"path": "/status", "latency": 600})
        assert rule.status_code == 201, rule.text
        def held_request() -> None:
            with contextlib.suppress(httpx.HTTPError):  # whatever it gets, or the connection closing
                httpx.get(f"{served.url}/status", timeout=60)

        held = threading.Thread(target=held_request, daemon=True)
        held.start()
        time.sleep(0.5)
        begun = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        served.process.wait(timeout=15)
        assert time.monotonic() - begun < 8
        assert served.process.returncode == 0
    finally:
        served.stop()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
@pytest.mark.parametrize("server", SERVERS)
def test_a_stopped_server_ends_cleanly_without_a_traceback(server: str, stop: signal.Signals) -> None:
    """uvicorn raises the stopping signal again once it has shut down: that must not break out of the
    event loop (it printed a traceback and "Event loop is closed" at every stop)."""
    served = Served("--server", server)
    try:
        assert httpx.get(f"{served.url}/status", timeout=5).status_code == 200
        served.process.send_signal(stop)
        served.process.wait(timeout=15)
        output = served.output_after(0)
        assert served.process.returncode == 0, output
        for sign in ("Traceback", "Exception ignored", "Task was destroyed", "Event loop is closed"):
            assert sign not in output, output
    finally:
        served.stop()
