"""The feed of device changes: every change, whoever caused it, goes through here once.

A :class:`Change` says which device changed, when, what (data point values, or the
connection state), and who caused it (an app user's control, the device itself, a
program, a scheduler task, ...). Subscribers (logs, push channels, linkage rules) receive
every change in the order it happened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from msgspec import Struct

Subscriber = Callable[["Change"], None]

_NOTHING: Mapping[str, Any] = MappingProxyType({})


class Change(Struct, frozen=True, gc=False):
    """One change, immutable once published.

    The simulation publishes millions and the history keeps them: a struct is made in C (a named
    tuple's ``__new__`` is Python, 5 % of a live week's time), and ``gc=False`` leaves the history
    out of the collector's scans (a change holds values and text, never a cycle)."""

    did: str
    at: float
    #: "attrs" for data point changes, "online"/"offline" for the connection.
    kind: str
    #: The values that changed; never mutated after publishing.
    attrs: Mapping[str, Any] = _NOTHING
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
        self._everyone: tuple[Subscriber, ...] = ()

    def subscribe(self, subscriber: Subscriber, *, reacts: bool = False) -> Callable[[], None]:
        """Receive every change. A subscriber that ``reacts`` by causing changes (linkage rules)
        is called after all the others, so everyone sees a change before the ones it causes."""
        subscribers = self._reactors if reacts else self._subscribers
        subscribers.append(subscriber)
        self._everyone = (*self._subscribers, *self._reactors)

        def unsubscribe() -> None:
            subscribers.remove(subscriber)
            self._everyone = (*self._subscribers, *self._reactors)

        return unsubscribe

    def publish(self, change: Change) -> None:
        for subscriber in self._everyone:
            subscriber(change)
