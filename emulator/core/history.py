"""What devices reported and were sent, over time: one record per change on the feed.

Every :class:`~emulator.core.changes.Change` published by the cloud lands here, per
device and in time order, and is kept for :data:`RETENTION` (7 days, the raw_data
retention of the real cloud). Communication logs (``raw_data``) and aggregations
(``agg_data``) read from it.

A record store (:mod:`emulator.core.persist`): one record per change, keyed by the device,
its instant and its rank among the device's records of that instant (``did/at/k``), which
never moves: records are added after those of the same instant and removed by whole
instants (pruning, forgetting what followed a moment). Loaded from a state file, a
device's records stay JSON text until its history is first read or changed
(:meth:`History.load_texts`): a restart does not decode what nobody asks for. A row that
turns out not to be a record then (not JSON, or not a record's) is left out with a warning
in the log, and deleted from the file with the next commit.
"""

from __future__ import annotations

import bisect
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from .changes import Change, ChangeFeed
from .persist import Touched, decode_row

RETENTION = 7 * 24 * 3600
#: Records older than the retention are dropped once they are this much older still, so the
#: pruning costs one comparison per record and a list trim about once a day per device.
_PRUNE_SLACK = 24 * 3600

#: A history record is the change itself (``at``, ``kind``, ``attrs``, ``source``, ``uid``,
#: ``appid``, ``payload`` bytes).
Record = Change


def _at(record: Change) -> float:
    return record.at


def _row(record: Change) -> dict[str, Any]:
    return {"at": record.at, "kind": record.kind, "attrs": dict(record.attrs), "source": record.source,
            "uid": record.uid, "appid": record.appid,
            "payload": record.payload.hex() if record.payload is not None else None}


def _instant_and_rank(key: str) -> tuple[float, int]:
    """Where the record loaded from the row ``key`` goes among its device's: by the key's instant and rank."""
    _, at, rank = key.rsplit("/", 2)
    return float(at), int(rank)


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


_log = logging.getLogger("emulator.state")


def _from_row(did: str, item: dict[str, Any]) -> Change:
    return Change(did, item["at"], item["kind"], dict(item.get("attrs") or {}), item.get("source", "device"),
                  item.get("uid"), item.get("appid"), bytes.fromhex(item["payload"]) if item.get("payload") else None)


class History:
    def __init__(self, feed: ChangeFeed) -> None:
        self._records: dict[str, list[Change]] = defaultdict(list)
        #: Records loaded as text and not decoded yet: did -> [(key, JSON)] (put in order when decoded).
        self._texts: dict[str, list[tuple[str, str]]] = {}
        #: Keys of rows loaded that were not records: deleted from the file at the next commit.
        self._dropped: list[str] = []
        #: Keys (did, at, rank) of records added or removed.
        self.touched = Touched()
        feed.subscribe(self.record)

    def _decoded(self, did: str) -> None:
        """Decode the device's records still held as text."""
        texts = self._texts.pop(did, None)
        if texts is None:
            return
        records: list[tuple[tuple[float, int], Change]] = []
        for key, text in texts:
            try:
                records.append((_instant_and_rank(key), _from_row(did, decode_row(text))))
            except (ValueError, TypeError, KeyError, AttributeError):
                self._dropped.append(key)
                _log.warning("state file: history row %s is not a record; left out (deleted at the next commit)",
                             key)
        records.sort(key=_first)
        self._records[did] = [record for _, record in records]

    def _decode_all(self) -> None:
        for did in list(self._texts):
            self._decoded(did)

    def record(self, change: Change) -> None:
        if self._texts:
            self._decoded(change.did)
        records = self._records[change.did]
        if records and records[-1].at > change.at:
            index = bisect.bisect_right(records, change.at, key=_at)
            records.insert(index, change)
        else:
            index = len(records)
            records.append(change)
        if self.touched.keys is not None:
            self.touched.keys[(change.did, change.at, index - bisect.bisect_left(records, change.at, key=_at))] = None
        if records[0].at < change.at - RETENTION - _PRUNE_SLACK:
            self._remove(change.did, records, 0, bisect.bisect_left(records, change.at - RETENTION, key=_at))

    def _remove(self, did: str, records: list[Change], start: int, end: int) -> None:
        """Drop ``records[start:end]``, which begins and ends at an instant's first record."""
        keys = self.touched.keys
        if keys is not None:
            rank, previous = 0, None
            for record in records[start:end]:
                rank = rank + 1 if record.at == previous else 0
                previous = record.at
                keys[(did, record.at, rank)] = None
        del records[start:end]

    def of(self, did: str, start: float | None = None, end: float | None = None) -> list[Change]:
        """Records of ``did`` with ``start <= at <= end``, oldest first."""
        if self._texts:
            self._decoded(did)
        records = self._records.get(did, [])
        lo = 0 if start is None else bisect.bisect_left(records, start, key=_at)
        hi = len(records) if end is None else bisect.bisect_right(records, end, key=_at)
        return records[lo:hi]

    def prune(self, now: float) -> None:
        self._decode_all()
        cutoff = now - RETENTION
        for did, records in self._records.items():
            index = bisect.bisect_left(records, cutoff, key=_at)
            if index:
                self._remove(did, records, 0, index)

    def drop_after(self, did: str, moment: float) -> None:
        """Forget what ``did`` reported after ``moment`` (the clock was set back before it)."""
        self._decoded(did)
        records = self._records.get(did)
        if records:
            self._remove(did, records, bisect.bisect_right(records, moment, key=_at), len(records))

    def forget(self, did: str) -> None:
        self._decoded(did)
        records = self._records.pop(did, None)
        if records:
            self._remove(did, records, 0, len(records))

    # -- saving ------------------------------------------------------------------------------------
    def dump(self) -> dict[str, list[dict[str, Any]]]:
        self._decode_all()
        return {did: [_row(r) for r in records] for did, records in self._records.items() if records}

    def load(self, data: dict[str, list[dict[str, Any]]]) -> None:
        self._records = defaultdict(list, {did: [_from_row(did, item) for item in items]
                                           for did, items in data.items()})
        self._texts, self._dropped = {}, []
        self.touched.reload()

    def records(self) -> Iterator[tuple[str, Any]]:
        self._decode_all()
        for did, records in self._records.items():
            rank, previous = 0, None
            for record in records:
                rank = rank + 1 if record.at == previous else 0
                previous = record.at
                yield f"{did}/{record.at!r}/{rank}", _row(record)

    def changed_records(self) -> dict[str, Any] | None:
        keys = self.touched.take()
        if keys is None:
            return None
        changed: dict[str, Any] = dict.fromkeys(self._dropped)
        self._dropped = []
        for did, at, rank in keys:  # type: ignore[misc]
            records = self._records.get(did)
            record = None
            if records:
                index = bisect.bisect_left(records, at, key=_at) + rank
                if index < len(records) and records[index].at == at:
                    record = records[index]
            changed[f"{did}/{at!r}/{rank}"] = None if record is None else _row(record)
        return changed

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        self.load_texts((key, json.dumps(row)) for key, row in records)

    def load_texts(self, records: Iterable[tuple[str, str]]) -> None:
        """:meth:`load_records` from the rows' JSON text, decoded when each device's history is first used."""
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for item in records:
            found[item[0].rsplit("/", 2)[0]].append(item)  # the did; the instant and rank are read when decoded
        self._records = defaultdict(list)
        self._texts, self._dropped = dict(found), []
        self.touched.reload()
