"""The one queue of time-triggered events, keyed by due time.

Anything that must happen at a future emulator time (the end of a boost, a cloud
scheduler task, a sharing invitation expiring, a delayed rule output, a device coming
back online) is an :class:`Event` here: a due time, a *kind* and JSON-able *data*. Code
that owns a kind registers one handler for it with :meth:`EventQueue.handle`; the queue
holds no closures, so it can be saved in a snapshot and restored.

An event may carry a *key* (any JSON-able string): scheduling an event with a key
replaces the pending event with the same key, and :meth:`EventQueue.cancel_key` drops it,
both in O(1). Owners of "the one pending X of this object" (a device's next wake-up, a
scheduler task's next run) use keys instead of scanning with :meth:`cancel_where`.

The queue is drained up to "now" whenever the emulator is about to answer or the clock
is moved; each event runs with the time it was due, in due order (ties in scheduling
order), and may schedule further events. Cost grows with the events due, not with the
number of devices. The heap holds ``(due, seq, event)`` tuples so ordering is a native
tuple comparison.

A record store (:mod:`emulator.core.persist`): one record per pending event, keyed by its
sequence number, which a saved queue keeps (ties stay in scheduling order).
"""

from __future__ import annotations

import gc
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from msgspec import Struct, field

Handler = Callable[[dict[str, Any], float], None]


class Event(Struct, order=True):
    due: float
    seq: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    cancelled: bool = False
    key: str | None = None
    #: Set once the event has run.
    done: bool = False

    @property
    def pending(self) -> bool:
        return not (self.cancelled or self.done)

    def as_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"due": self.due, "kind": self.kind, "data": self.data}
        if self.key is not None:
            item["key"] = self.key
        return item

    def row(self) -> dict[str, Any]:
        return {**self.as_dict(), "seq": self.seq}


class EventQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Event]] = []
        self._seq = itertools.count()
        self._handlers: dict[str, Handler] = {}
        self._keyed: dict[str, Event] = {}
        self.processed = 0
        #: Events scheduled, cancelled or run since the durable state last asked; None: not tracking.
        self._touched: dict[int, Event] | None = None
        self._reloaded = True

    def __len__(self) -> int:
        return sum(1 for _, _, e in self._heap if not e.cancelled)

    def handle(self, kind: str, handler: Handler) -> None:
        """Register the one handler of events of ``kind``."""
        self._handlers[kind] = handler

    def schedule(self, due: float, kind: str, data: dict[str, Any] | None = None, *, key: str | None = None) -> Event:
        """Add an event; with ``key``, it replaces the pending event that has the same key."""
        event = Event(float(due), next(self._seq), kind, dict(data) if data else {}, key=key)
        self._push(event)
        return event

    def _push(self, event: Event) -> None:
        key = event.key
        touched = self._touched
        if key is not None:
            previous = self._keyed.get(key)
            if previous is not None:
                previous.cancelled = True
                if touched is not None:
                    touched[previous.seq] = previous
            self._keyed[key] = event
        if touched is not None:
            touched[event.seq] = event
        heapq.heappush(self._heap, (event.due, event.seq, event))

    def _cancel(self, event: Event) -> None:
        event.cancelled = True
        if self._touched is not None:
            self._touched[event.seq] = event

    def cancel_key(self, key: str) -> bool:
        """Cancel the pending event with ``key``; True if there was one."""
        event = self._keyed.pop(key, None)
        if event is None or event.cancelled:
            return False
        self._cancel(event)
        return True

    def keyed(self, key: str) -> Event | None:
        """The pending event with ``key``, if any."""
        event = self._keyed.get(key)
        return None if event is None or event.cancelled else event

    def cancel_where(self, kind: str, **match: Any) -> int:
        """Cancel pending events of ``kind`` whose data has all the ``match`` items."""
        count = 0
        for _, _, event in self._heap:
            if not event.cancelled and event.kind == kind and all(event.data.get(k) == v for k, v in match.items()):
                self._cancel(event)
                count += 1
        return count

    def next_due(self) -> float | None:
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def run_until(self, now: float) -> int:
        """Run every event due at or before ``now``, in order; return how many ran.

        While events run, Python's cyclic garbage collector is paused: they allocate many
        short-lived, acyclic objects (changes, reports) that reference counting frees, and
        a collection pass over a large fleet's state would otherwise dominate. It resumes
        (and catches up on any cycles) when the events are done.
        """
        heap = self._heap
        if not heap or heap[0][0] > now:
            return 0
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return self._run(now)
        finally:
            if paused:
                gc.enable()

    def _run(self, now: float) -> int:
        ran = 0
        heap = self._heap
        handlers = self._handlers
        keyed = self._keyed
        touched = self._touched
        pop = heapq.heappop
        while heap and heap[0][0] <= now:
            event = pop(heap)[2]
            if event.cancelled:
                continue
            event.done = True
            if touched is not None:
                touched[event.seq] = event
            if event.key is not None and keyed.get(event.key) is event:
                del keyed[event.key]
            handler = handlers.get(event.kind)
            if handler is None:
                raise LookupError(f"no handler for event kind {event.kind!r}")
            handler(event.data, event.due)
            ran += 1
        self.processed += ran
        return ran

    def pending(self, kind: str | None = None) -> list[Event]:
        return sorted(e for _, _, e in self._heap if not e.cancelled and (kind is None or e.kind == kind))

    # -- snapshots -------------------------------------------------------------------------
    def dump(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.pending()]

    def load(self, items: list[dict[str, Any]]) -> None:
        self._heap.clear()
        self._keyed.clear()
        self._seq = itertools.count()
        self._reloaded = True
        touched, self._touched = self._touched, None
        for item in items:
            self.schedule(item["due"], item["kind"], item.get("data"), key=item.get("key"))
        self._touched = {} if touched is not None else None

    def records(self) -> Iterator[tuple[str, Any]]:
        return ((str(event.seq), event.row()) for _, _, event in self._heap if not event.cancelled)

    def changed_records(self) -> dict[str, Any] | None:
        touched = self._touched
        self._touched = {}
        if touched is None or self._reloaded:
            self._reloaded = False
            return None
        return {str(seq): event.row() if event.pending else None for seq, event in touched.items()}

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        """Back to saved events, each with its sequence number (ties keep their order)."""
        rows = sorted((row for _, row in records), key=lambda row: (row["due"], row["seq"]))
        self._heap.clear()
        self._keyed.clear()
        touched, self._touched = self._touched, None
        for row in rows:
            self._push(Event(float(row["due"]), int(row["seq"]), row["kind"], dict(row.get("data") or {}),
                             key=row.get("key")))
        self._seq = itertools.count(max((int(row["seq"]) for row in rows), default=-1) + 1)
        self._touched = {} if touched is not None else None
        self._reloaded = True
