"""What devices reported and were sent, over time: one record per change on the feed.

Every :class:`~emulator.core.changes.Change` published by the cloud lands here, per
device and in time order, and is kept for :data:`RETENTION` (7 days, the raw_data
retention of the real cloud). Communication logs (``raw_data``) and aggregations
(``agg_data``) read from it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Any

from .changes import Change, ChangeFeed

RETENTION = 7 * 24 * 3600
#: Records older than the retention are dropped once they are this much older still, so the
#: pruning costs one comparison per record and a list trim about once a day per device.
_PRUNE_SLACK = 24 * 3600

#: A history record is the change itself (``at``, ``kind``, ``attrs``, ``source``, ``uid``,
#: ``appid``, ``payload`` bytes).
Record = Change


def _at(record: Change) -> float:
    return record.at


class History:
    def __init__(self, feed: ChangeFeed) -> None:
        self._records: dict[str, list[Change]] = defaultdict(list)
        feed.subscribe(self.record)

    def record(self, change: Change) -> None:
        records = self._records[change.did]
        if records and records[-1].at > change.at:
            bisect.insort(records, change, key=_at)
        else:
            records.append(change)
        if records[0].at < change.at - RETENTION - _PRUNE_SLACK:
            del records[:bisect.bisect_left(records, change.at - RETENTION, key=_at)]

    def of(self, did: str, start: float | None = None, end: float | None = None) -> list[Change]:
        """Records of ``did`` with ``start <= at <= end``, oldest first."""
        records = self._records.get(did, [])
        lo = 0 if start is None else bisect.bisect_left(records, start, key=_at)
        hi = len(records) if end is None else bisect.bisect_right(records, end, key=_at)
        return records[lo:hi]

    def prune(self, now: float) -> None:
        cutoff = now - RETENTION
        for records in self._records.values():
            index = bisect.bisect_left(records, cutoff, key=_at)
            if index:
                del records[:index]

    def drop_after(self, did: str, moment: float) -> None:
        """Forget what ``did`` reported after ``moment`` (the clock was set back before it)."""
        records = self._records.get(did)
        if records:
            del records[bisect.bisect_right(records, moment, key=_at):]

    def forget(self, did: str) -> None:
        self._records.pop(did, None)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        return {
            did: [{"at": r.at, "kind": r.kind, "attrs": dict(r.attrs), "source": r.source, "uid": r.uid,
                   "appid": r.appid, "payload": r.payload.hex() if r.payload is not None else None}
                  for r in records]
            for did, records in self._records.items() if records
        }

    def load(self, data: dict[str, list[dict[str, Any]]]) -> None:
        self._records = defaultdict(list, {
            did: [Change(did, item["at"], item["kind"], dict(item.get("attrs") or {}), item.get("source", "device"),
                         item.get("uid"), item.get("appid"),
                         bytes.fromhex(item["payload"]) if item.get("payload") else None)
                  for item in items]
            for did, items in data.items()
        })
