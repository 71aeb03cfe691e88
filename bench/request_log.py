"""What the request log costs per request: the log off (tests, in-process: the baseline, measured in
the same run), on into a discarded stream (the line built and written, as ``serve`` does), and
``--quiet``. Requests go straight to the ASGI app (no socket), so the log's share is not hidden
behind network time; the hook alone (``log_request`` on one journal entry) is timed too, since on
a busy machine its few microseconds are within the noise of a whole request.

    python bench/request_log.py [requests]
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import time

from emulator import request_log
from emulator.config import HEATZY_APP_ID
from emulator.core.journal import Entry
from emulator.testing import Emulator

PATHS = ("/status", "/app/bindings")  # an answer, and a 9004 error (its body is read for the code)


async def per_request_us(emulator: Emulator, count: int) -> float:
    async with emulator.client(headers={"X-Gizwits-Application-Id": HEATZY_APP_ID}) as client:
        for path in PATHS:
            await client.get(path)
        start = time.perf_counter()
        for number in range(count):
            await client.get(PATHS[number % 2])
        return (time.perf_counter() - start) / count * 1e6


def measure(count: int, setting: str) -> float:
    logger = request_log.PACKAGE_LOGGER
    saved = (list(logger.handlers), logger.level, logger.propagate, request_log.LOGGER.level)
    try:
        if setting != "off":
            request_log.configure("info", quiet=setting == "quiet", stream=io.StringIO())
        emulator = Emulator(journal_size=count + 10)
        return asyncio.run(per_request_us(emulator, count))
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]
        request_log.LOGGER.setLevel(saved[3])


def hook_us(setting: str, calls: int = 20_000) -> float:
    """Microseconds per ``log_request`` call on a typical entry."""
    entry = Entry(id=1, at=1_795_413_600.0, method="GET", path="/app/bindings", query="limit=20", status=200,
                  duration_ms=0.8, user="demo@heatzy.test")
    logger = request_log.PACKAGE_LOGGER
    saved = (list(logger.handlers), logger.level, logger.propagate, request_log.LOGGER.level)
    try:
        if setting != "off":
            request_log.configure("info", quiet=setting == "quiet", stream=io.StringIO())
        start = time.perf_counter()
        for _ in range(calls):
            request_log.log_request(entry)
        return (time.perf_counter() - start) / calls * 1e6
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]
        request_log.LOGGER.setLevel(saved[3])


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    logging.getLogger("asyncio").setLevel(logging.WARNING)
    settings = ("off", "on", "quiet")
    rounds: dict[str, list[float]] = {setting: [] for setting in settings}
    for _ in range(5):  # interleaved rounds, best of five: the machine's noise hits every setting alike
        for setting, results in rounds.items():
            results.append(measure(count, setting))
    hooks = {setting: min(hook_us(setting) for _ in range(5)) for setting in settings}
    base = min(rounds["off"])
    print(f"{count} in-process requests ({' and '.join(PATHS)} alternately), best of 5 rounds")
    print(f"{'request log':<38}{'us / request':>14}{'ratio':>8}{'hook alone, us':>16}")
    for label, setting in (("off (tests, in-process): baseline", "off"), ("on (serve), into a discarded stream", "on"),
                           ("--quiet", "quiet")):
        best = min(rounds[setting])
        print(f"{label:<38}{best:>14.1f}{best / base:>8.2f}{hooks[setting]:>16.2f}")
    print(f"the hook's share of a request with the log on: {hooks['on'] / base:.1%}")


if __name__ == "__main__":
    main()
