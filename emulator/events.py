"""The one queue of time-triggered events, keyed by due time.

Anything that must happen at a future emulator time (the end of a boost, a cloud
scheduler task, a sharing invitation expiring, a delayed rule output, a device coming
back online) is an :class:`Event` here: a due time, a *kind* and JSON-able *data*. Code
that owns a kind registers one handler for it with :meth:`EventQueue.handle`; the queue
holds no closures, so it can be saved in a snapshot and restored.

The queue is drained up to "now" whenever the emulator is about to answer or the clock
is moved; each event runs with the time it was due, in due order (ties in scheduling
order), and may schedule further events. Cost grows with the events due, not with the
number of devices.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[dict[str, Any], float], None]


@dataclass(order=True)
class Event:
    due: float
    seq: int
    kind: str = field(compare=False)
    data: dict[str, Any] = field(compare=False, default_factory=dict)
    cancelled: bool = field(compare=False, default=False)

    def cancel(self) -> None:
        self.cancelled = True

    def as_dict(self) -> dict[str, Any]:
        return {"due": self.due, "kind": self.kind, "data": self.data}


class EventQueue:
    def __init__(self) -> None:
        self._heap: list[Event] = []
        self._seq = itertools.count()
        self._handlers: dict[str, Handler] = {}
        self.processed = 0

    def __len__(self) -> int:
        return sum(1 for e in self._heap if not e.cancelled)

    def handle(self, kind: str, handler: Handler) -> None:
        """Register the one handler of events of ``kind``."""
        self._handlers[kind] = handler

    def schedule(self, due: float, kind: str, data: dict[str, Any] | None = None) -> Event:
        event = Event(float(due), next(self._seq), kind, dict(data or {}))
        heapq.heappush(self._heap, event)
        return event

    def cancel_where(self, kind: str, **match: Any) -> int:
        """Cancel pending events of ``kind`` whose data has all the ``match`` items."""
        count = 0
        for event in self._heap:
            if not event.cancelled and event.kind == kind and all(event.data.get(k) == v for k, v in match.items()):
                event.cancelled = True
                count += 1
        return count

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def run_until(self, now: float) -> int:
        """Run every event due at or before ``now``, in order; return how many ran."""
        ran = 0
        heap = self._heap
        while heap and heap[0].due <= now:
            event = heapq.heappop(heap)
            if event.cancelled:
                continue
            handler = self._handlers.get(event.kind)
            if handler is None:
                raise LookupError(f"no handler for event kind {event.kind!r}")
            handler(event.data, event.due)
            ran += 1
        self.processed += ran
        return ran

    def pending(self, kind: str | None = None) -> list[Event]:
        return sorted(e for e in self._heap if not e.cancelled and (kind is None or e.kind == kind))

    # -- snapshots -------------------------------------------------------------------------
    def dump(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.pending()]

    def load(self, items: list[dict[str, Any]]) -> None:
        self._heap.clear()
        for item in items:
            self.schedule(item["due"], item["kind"], item.get("data"))
