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
        self._reactors: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber, *, reacts: bool = False) -> Callable[[], None]:
        """Receive every change. A subscriber that ``reacts`` by causing changes (linkage rules)
        is called after all the others, so everyone sees a change before the ones it causes."""
        subscribers = self._reactors if reacts else self._subscribers
        subscribers.append(subscriber)
        return lambda: subscribers.remove(subscriber)

    def publish(self, change: Change) -> None:
        for subscriber in [*self._subscribers, *self._reactors]:
            subscriber(change)
