"""The one queue of time-triggered events, keyed by due time.

Anything that must happen at a future emulator time (a program slot change that someone
listens to, the end of a boost, a cloud scheduler task, a sharing invitation expiring,
a delayed rule output) is scheduled here. The queue is drained up to "now" whenever the
emulator is about to answer or the clock is moved, and each event runs with the time it
was due, in due order (ties in scheduling order): cost grows with the events due, not
with the number of devices.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

Action = Callable[[float], None]


@dataclass(order=True)
class Event:
    due: float
    seq: int
    action: Action = field(compare=False)
    label: str = field(compare=False, default="")
    cancelled: bool = field(compare=False, default=False)

    def cancel(self) -> None:
        self.cancelled = True


class EventQueue:
    def __init__(self) -> None:
        self._heap: list[Event] = []
        self._seq = itertools.count()
        self.processed = 0

    def __len__(self) -> int:
        return sum(1 for e in self._heap if not e.cancelled)

    def schedule(self, due: float, action: Action, label: str = "") -> Event:
        event = Event(due, next(self._seq), action, label)
        heapq.heappush(self._heap, event)
        return event

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def run_until(self, now: float) -> int:
        """Run every event due at or before ``now``; events may schedule further events."""
        ran = 0
        heap = self._heap
        while heap and heap[0].due <= now:
            event = heapq.heappop(heap)
            if event.cancelled:
                continue
            event.action(event.due)
            ran += 1
        self.processed += ran
        return ran

    def pending(self) -> list[Event]:
        return sorted(e for e in self._heap if not e.cancelled)

    def clear(self) -> None:
        self._heap.clear()
