"""The dev server says what it is doing: one line per request, under both servers.

Each line is the emulator's time, method, path, status, the 9xxx code of an error, the token's
user and the time taken, built from the request journal's entry. ``--quiet`` and ``--log-level
warning`` turn the lines off; colour only on a terminal (and not with ``NO_COLOR``). The hook
for WebSocket sessions (:func:`emulator.request_log.log_session`) prints in the same format.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import aiohttp
import httpx
import pytest
from serving import Served

from emulator import request_log
from emulator.config import HEATZY_APP_ID
from emulator.core.journal import Entry

APP = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
WHEN = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
MS = r"\d+\.\d ms"
ESCAPE = "\033["


def traffic(url: str) -> None:
    """A client's first minute: a bad call, a login, a listing, a bad command; and an admin change and read."""
    httpx.get(f"{url}/app/bindings", headers=APP, timeout=10)
    token = httpx.post(f"{url}/app/login", headers=APP, timeout=10,
                       json={"username": "demo@heatzy.test", "password": "heatzy-demo"}).json()["token"]
    user = {**APP, "X-Gizwits-User-token": token}
    did = httpx.get(f"{url}/app/bindings?limit=20", headers=user, timeout=10).json()["devices"][0]["did"]
    httpx.post(f"{url}/app/control/{did}", headers=user, json={"attrs": {"mode": "turbo"}}, timeout=10)
    httpx.post(f"{url}/_emulator/clock", json={"advance": "1h"}, timeout=10)
    httpx.get(f"{url}/_emulator/journal", timeout=10)
    asyncio.run(websocket_handshake(url.replace("http://", "ws://") + "/ws/app/v1"))
    httpx.get(f"{url}/status", timeout=10)  # the last one: once it is logged, every other is


async def websocket_handshake(url: str) -> None:
    """A WebSocket client's handshake (refused while the emulator has no WebSocket API)."""
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url):
                pass
        except aiohttp.WSServerHandshakeError:
            pass


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_one_line_per_request_under_both_servers(server: str) -> None:
    with Served("--server", server) as served:
        traffic(served.url)
        served.wait_for(r" GET /status ")
        lines = [line for line in served.output() if re.match(WHEN, line)]
    assert len(lines) == 7, lines
    assert re.fullmatch(rf"{WHEN} GET /app/bindings 400 9004 - {MS}", lines[0]), lines[0]
    assert re.fullmatch(rf"{WHEN} POST /app/login 200 - {MS}", lines[1]), lines[1]
    assert re.fullmatch(rf"{WHEN} GET /app/bindings\?limit=20 200 demo@heatzy\.test {MS}", lines[2]), lines[2]
    assert re.fullmatch(rf"{WHEN} POST /app/control/\w+ 400 9025 demo@heatzy\.test {MS}", lines[3]), lines[3]
    assert re.fullmatch(rf"{WHEN} POST /_emulator/clock 200 admin {MS}", lines[4]), lines[4]
    assert re.fullmatch(rf"{WHEN} WEBSOCKET /ws/app/v1 (101|403) - {MS}", lines[5]), lines[5]
    assert re.fullmatch(rf"{WHEN} GET /status 200 - {MS}", lines[6]), lines[6]
    # the emulator's time: the clock moved an hour between the command and the last request
    moved = datetime.fromisoformat(lines[6][:20]) - datetime.fromisoformat(lines[3][:20])
    assert timedelta(minutes=59) < moved < timedelta(minutes=61), (lines[3], lines[5])
    assert not any(ESCAPE in line for line in served.output()), "no colour into a pipe"
    assert not any("HTTP/1.1" in line for line in served.output()), "no second access log from the server"


@pytest.mark.parametrize("options,env", [(("--quiet",), {}), (("--log-level", "warning"), {}),
                                         ((), {"GIZWITS_EMULATOR_QUIET": "yes"})])
def test_quiet_and_warning_levels_print_no_request_lines(options: tuple[str, ...], env: dict[str, str]) -> None:
    with Served(*options, env=env) as served:
        traffic(served.url)
        time.sleep(0.3)
    after = served.stop()
    assert not [line for line in after if re.match(WHEN, line)], after


def read_until(fd: int, marker: str, timeout: float = 20.0) -> str:
    text, deadline = "", time.monotonic() + timeout
    while marker not in text and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                text += os.read(fd, 65536).decode("utf-8", errors="replace")
            except OSError:
                break
    return text


@pytest.mark.parametrize("no_color", [False, True])
def test_colour_on_a_terminal_unless_no_color(no_color: bool) -> None:
    controller, terminal = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    process = subprocess.Popen([sys.executable, "-m", "emulator", "serve", "--port", "0", "--fixture", "empty"],
                               stdout=terminal, stderr=terminal, env={**env, "PYTHONUNBUFFERED": "1"})
    os.close(terminal)
    try:
        banner = read_until(controller, "Press Ctrl+C")
        url = re.search(r"listening on (http://[\d.:]+)", banner).group(1)
        httpx.get(f"{url}/app/bindings", headers=APP, timeout=10)
        logged = read_until(controller, "9004")
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.close(controller)
    line = next(line for line in logged.splitlines() if "/app/bindings" in line)
    if no_color:
        assert ESCAPE not in line
    else:
        assert f"{request_log._YELLOW}400{request_log._RESET}" in line and f"{request_log._BOLD}GET" in line


@pytest.fixture
def log_to_text() -> Iterator[io.StringIO]:
    """The package's log on a text buffer for the test, as ``serve`` sets it up; put back afterwards."""
    logger = request_log.PACKAGE_LOGGER
    saved = (list(logger.handlers), logger.level, logger.propagate, request_log.LOGGER.level)
    stream = io.StringIO()
    request_log.configure("info", stream=stream)
    yield stream
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]
    request_log.LOGGER.setLevel(saved[3])


def test_the_websocket_session_hook(log_to_text: io.StringIO) -> None:
    at = 1_795_413_600.0  # 2026-11-23T06:00:00Z
    request_log.log_session("opened", path="/ws/app/v1", at=at, client="127.0.0.1:50123")
    request_log.log_session("logged in", path="/ws/app/v1", at=at + 1, client="127.0.0.1:50123",
                            user="demo@heatzy.test")
    request_log.log_session("closed", path="/ws/app/v1", at=at + 62, client="127.0.0.1:50123",
                            user="demo@heatzy.test", detail="code 1000, 12 messages")
    assert log_to_text.getvalue().splitlines() == [
        "2026-11-23T06:00:00Z WEBSOCKET /ws/app/v1 session opened - 127.0.0.1:50123",
        "2026-11-23T06:00:01Z WEBSOCKET /ws/app/v1 session logged in demo@heatzy.test 127.0.0.1:50123",
        "2026-11-23T06:01:02Z WEBSOCKET /ws/app/v1 session closed demo@heatzy.test 127.0.0.1:50123 "
        "code 1000, 12 messages",
    ]


def test_a_line_from_a_journal_entry_and_quiet_in_process(log_to_text: io.StringIO) -> None:
    entry = Entry(id=1, at=1_795_413_600.0, method="POST", path="/app/control/abc", status=None, duration_ms=5.25,
                  faults=["r1"], user="u1")
    assert request_log.request_line(entry) == "2026-11-23T06:00:00Z POST /app/control/abc dropped u1 5.2 ms faults r1"
    request_log.log_request(entry)
    assert log_to_text.getvalue().endswith("dropped u1 5.2 ms faults r1\n")
    request_log.configure("info", quiet=True, stream=log_to_text)
    request_log.log_request(entry)
    logging.getLogger("emulator").warning("still shown")
    assert log_to_text.getvalue().splitlines()[-1] == "WARNING emulator: still shown"
