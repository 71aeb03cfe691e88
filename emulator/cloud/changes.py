"""The feed of device changes: every change, whoever caused it, goes through here once.

A :class:`Change` says which device changed, when, what (data point values, or the
connection state), and who caused it (an app user's control, the device itself, a
program, a scheduler task, ...). Subscribers (logs, push channels, linkage rules) receive
every change in the order it happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Subscriber = Callable[["Change"], None]


@dataclass(frozen=True)
class Change:
    did: str
    at: float
    #: "attrs" for data point changes, "online"/"offline" for the connection.
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    #: "app" (control API), "device" (local action), "program", "scheduler", "rule", "scene", ...
    source: str = "device"
    uid: str | None = None
    appid: str | None = None
    #: For app-originated writes: the P0 payload sent to the device, when there is one.
    payload: bytes | None = None


class ChangeFeed:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    def publish(self, change: Change) -> None:
        for subscriber in list(self._subscribers):
            subscriber(change)
