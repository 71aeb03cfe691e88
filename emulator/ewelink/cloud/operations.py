"""The operation history of devices (``GET /v2/device/history``, L1482-1530), kept from the
change feed: every change of an eWeLink device — an app's write (HTTP, and the WebSocket
later), a timer, the device's own buttons or inching, the relay coming back on at startup —
while its ``opsHistory`` setting is on (default on, L868). Sensor readings, the first report
of a device joining and the connection coming and going are not operations and are not kept.

A log is ``{deviceid, userAgent, opsSwitchs, request, opsAccount, opsTime}``: ``userAgent``
``app`` for an app's write and ``device`` for anything else; ``request`` the params that
changed as JSON text; ``opsSwitchs`` the channels that switched (``switch`` for a single
channel, ``switch_<outlet>`` for a channel of a multi-channel device), comma-separated (the
seed types it String); ``opsAccount`` the writing user's e-mail or phone; ``opsTime`` in
milliseconds. At most :data:`KEEP` logs per device (the oldest go).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ...core.changes import Change, ChangeFeed
from ...core.persist import owned
from ..devices.device import READING

KEEP = 1000
#: The source of a device's first full report, when it joins the cloud (not an operation).
JOINED = "joined"


def switched(params: dict[str, Any]) -> str:
    names = ["switch"] if "switch" in params else []
    names += [f"switch_{item['outlet']}" for item in params.get("switches") or [] if isinstance(item, dict)]
    return ",".join(names)


class OperationLog:
    def __init__(self, feed: ChangeFeed, *, wants: Callable[[str], bool], account: Callable[[str | None], str]) -> None:
        """``wants(deviceid)``: the device is an eWeLink one with ``opsHistory`` on;
        ``account(apikey)``: how a user is named in a log."""
        self._logs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._wants = wants
        self._account = account
        feed.subscribe(self.record)

    def record(self, change: Change) -> None:
        if (change.kind != "attrs" or not change.attrs or change.source in (READING, JOINED)
                or not self._wants(change.did)):
            return
        params = dict(change.attrs)
        logs = self._logs[change.did]
        logs.append({
            "deviceid": change.did, "userAgent": "app" if change.source == "app" else "device",
            "opsSwitchs": switched(params), "request": json.dumps(params, separators=(",", ":")),
            "opsAccount": self._account(change.uid) if change.source == "app" else "",
            "opsTime": int(change.at * 1000),
        })
        if len(logs) > KEEP:
            del logs[: len(logs) - KEEP]

    def read(self, deviceid: str, before_ms: int, num: int) -> list[dict[str, Any]]:
        found = [log for log in self._logs.get(deviceid, []) if log["opsTime"] < before_ms]
        return [dict(log) for log in reversed(found[-num:])] if found else []

    def clear(self, deviceid: str) -> None:
        self._logs.pop(deviceid, None)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        return {k: [dict(log) for log in v] for k, v in self._logs.items() if v}

    def load(self, data: dict[str, list[dict[str, Any]]]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._logs = defaultdict(list, {k: [dict(log) for log in v] for k, v in data.items()})
