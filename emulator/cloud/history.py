"""What devices reported and were sent, over time: one record per change on the feed.

Every :class:`~emulator.cloud.changes.Change` published by the cloud lands here, per
device and in time order, and is kept for :data:`RETENTION` (7 days, the raw_data
retention of the real cloud). Communication logs (``raw_data``) and aggregations
(``agg_data``) read from it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .changes import Change, ChangeFeed

RETENTION = 7 * 24 * 3600


@dataclass
class Record:
    at: float
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = "device"
    uid: str | None = None
    appid: str | None = None
    payload: str | None = None  # hex


class History:
    def __init__(self, feed: ChangeFeed) -> None:
        self._records: dict[str, list[Record]] = defaultdict(list)
        feed.subscribe(self.record)

    def record(self, change: Change) -> None:
        records = self._records[change.did]
        item = Record(change.at, change.kind, dict(change.attrs), change.source, change.uid, change.appid,
                      change.payload.hex() if change.payload is not None else None)
        if records and records[-1].at > change.at:
            bisect.insort(records, item, key=lambda r: r.at)
        else:
            records.append(item)

    def of(self, did: str, start: float | None = None, end: float | None = None) -> list[Record]:
        """Records of ``did`` with ``start <= at <= end``, oldest first."""
        records = self._records.get(did, [])
        lo = 0 if start is None else bisect.bisect_left(records, start, key=lambda r: r.at)
        hi = len(records) if end is None else bisect.bisect_right(records, end, key=lambda r: r.at)
        return records[lo:hi]

    def prune(self, now: float) -> None:
        cutoff = now - RETENTION
        for records in self._records.values():
            index = bisect.bisect_left(records, cutoff, key=lambda r: r.at)
            if index:
                del records[:index]

    def forget(self, did: str) -> None:
        self._records.pop(did, None)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        from .persist import rows

        return {did: rows(records) for did, records in self._records.items() if records}

    def load(self, data: dict[str, list[dict[str, Any]]]) -> None:
        from .persist import from_rows

        self._records = defaultdict(list, {did: from_rows(Record, items) for did, items in data.items()})
