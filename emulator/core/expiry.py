"""Forgetting what has expired: keys by the instant they may go, earliest first.

Tokens and codes expire; an expired one still answers "expired" for a while, then the
store forgets it, so they do not pile up (a login a second would otherwise keep every
token ever issued). Each add and each forgotten key costs O(log n); a check with nothing
due costs one comparison.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Iterator


class Expiry:
    def __init__(self, items: Iterable[tuple[float, Hashable]] = ()) -> None:
        self._heap: list[tuple[float, int, Hashable]] = []
        self._count = 0
        for at, key in items:
            self.add(at, key)

    def add(self, at: float, key: Hashable) -> None:
        """``key`` may be forgotten from ``at`` on."""
        heapq.heappush(self._heap, (at, self._count, key))
        self._count += 1

    def due(self, now: float) -> Iterator[Hashable]:
        """Every key whose instant is at or before ``now``, earliest first; each is handed out once."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            yield heapq.heappop(heap)[2]
