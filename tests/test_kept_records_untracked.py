"""What the emulator keeps per request and per change stays out of the garbage collector's scans.

The journal keeps every request (ten thousand by default) and the history every change. As objects
the collector tracks, each one kept made the collections that followed longer and brought full
collections on sooner: 10-20 us of an in-process request went to the collector. Their records are
structs made with ``gc=False`` (emulator/core/journal.py, changes.py): requests answered, read from
the journal or not, and changes recorded leave no object the collector tracks.
"""

from __future__ import annotations

import asyncio
import gc

from emulator.config import HEATZY_APP_ID
from emulator.testing import Emulator

REQUESTS = 300


def _tracked() -> int:
    gc.collect()
    return len(gc.get_objects())


def test_requests_and_changes_leave_nothing_the_collector_tracks() -> None:
    emulator = Emulator("demo")
    headers = {"X-Gizwits-Application-Id": HEATZY_APP_ID}

    async def run() -> tuple[int, int, int]:
        async with emulator.client(headers=headers) as client:
            login = await client.post("/app/login", json={"username": "demo@heatzy.test", "password": "heatzy-demo"})
            headers["X-Gizwits-User-token"] = login.json()["token"]
            bindings = (await client.get("/app/bindings", headers=headers)).json()["devices"]
            did = next(device["did"] for device in bindings if device["dev_alias"] == "Salon")

            async def some_requests(first_mode: int) -> None:
                for turn in range(REQUESTS):  # a read and a control that changes the mode, in turns
                    if turn % 2:
                        mode = ("cft", "eco")[(turn // 2 + first_mode) % 2]
                        answer = await client.post(f"/app/control/{did}", json={"attrs": {"mode": mode}},
                                                   headers=headers)
                    else:
                        answer = await client.get(f"/app/devdata/{did}/latest", headers=headers)
                    assert answer.status_code == 200, answer.text

            await some_requests(0)  # warm: caches, interned reports, the first entries
            before = _tracked()
            history_before = len(emulator.cloud.history.of(did))
            await some_requests(1)
            after_unread = _tracked()
            assert len(emulator.journal()) >= 2 * REQUESTS  # the entries, made now
            after_read = _tracked()
            changes = len(emulator.cloud.history.of(did)) - history_before
            return after_unread - before, after_read - before, changes

    grown_unread, grown_read, changes = asyncio.run(run())
    assert changes >= REQUESTS // 2  # every control changed the mode: the history grew by as many changes
    # Before the records were untracked, 300 requests left 1,500 tracked objects (five each).
    assert grown_unread < REQUESTS // 3  # a margin for whatever else the test process runs
    # An entry once read is made, and keeps lists (its dids, the fault rules that fired): those are tracked.
    assert grown_read < 3 * 2 * REQUESTS
