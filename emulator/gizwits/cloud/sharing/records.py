"""Sharing records (``/app/sharing``): who shared which device with whom, and how it went.

A record is a normal share (type 0, to a known user) or a QR share (type 1, to whoever
scans the code first). Its status is 0 waiting, 1 accepted, 2 refused or 3 cancelled.
A waiting share expires 24 hours (normal) or 15 minutes (QR) after it was made: an event
marks it ``expired`` (the status stays 0 and ``expired_at`` tells clients). A share with
a ``duration`` gives the guest access for that many minutes after accepting; another
event ends it. Ids are integers, as in the docs, counted from 1.

What sharing does to bindings and messages lives in :mod:`.sharing_flow`.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from ....core.persist import KeyedRecords, Touched, from_rows, rows
from ...errors import ApiError

NORMAL_SHARE, QR_SHARE = 0, 1
SHARE_TYPES = (NORMAL_SHARE, QR_SHARE)
WAITING, ACCEPTED, REFUSED, CANCELLED = 0, 1, 2, 3
STATUSES = (WAITING, ACCEPTED, REFUSED, CANCELLED)
#: How long an invitation waits for an answer (seed 001: "普通分享24小时过期，二维码分享15分钟过期").
EXPIRY = {NORMAL_SHARE: 24 * 3600, QR_SHARE: 15 * 60}
#: Bounds of ``duration``, in minutes.
MIN_DURATION, MAX_DURATION = 1, 1440
#: The text a QR share hands to the client to draw (seed 001's example).
QR_PREFIX = "type=share&code="


class SharingRecord(Struct):
    id: int
    type: int
    did: str
    owner_uid: str
    created_at: float
    updated_at: float
    expired_at: float
    guest_uid: str | None = None
    status: int = WAITING
    #: Minutes of access after acceptance, or None for no limit.
    duration: int | None = None
    #: The QR invitation code (type 1).
    code: str | None = None
    #: Set by the expiry event while the share was still waiting.
    expired: bool = False
    #: The owner's name for the guest, and the guest's for the owner (``/alias``).
    guest_alias: str = ""
    owner_alias: str = ""
    #: When a duration-limited guest loses access.
    access_until: float | None = None

    @property
    def qr_content(self) -> str | None:
        return QR_PREFIX + self.code if self.code else None


class SharingStore(KeyedRecords):
    """Sharing records by id; a record store (:mod:`emulator.core.persist`): records handed out count
    as touched, and the next id is a record of its own."""

    rows_key = "records"

    def __init__(self) -> None:
        self._records: dict[int, SharingRecord] = {}
        self._next_id = 1
        self.touched = Touched()

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.touched.touch_all(self._records)
        return iter(self._records.values())

    def _handed_out(self, found: list[SharingRecord]) -> list[SharingRecord]:
        self.touched.touch_all(r.id for r in found)
        return found

    def create(self, type: int, did: str, owner_uid: str, now: float, *, guest_uid: str | None = None,
               duration: int | None = None, code: str | None = None) -> SharingRecord:
        record = SharingRecord(self._next_id, type, did, owner_uid, now, now, now + EXPIRY[type],
                               guest_uid=guest_uid, duration=duration, code=code)
        self._records[record.id] = record
        self._next_id += 1
        self.touched.touch(record.id)
        return record

    def get(self, record_id: int) -> SharingRecord | None:
        record = self._records.get(record_id)
        return self._handed_out([record])[0] if record is not None else None

    def require(self, record_id: int) -> SharingRecord:
        record = self.get(record_id)
        if record is None:
            raise ApiError(9084, f"no sharing record {record_id}")
        return record

    def by_code(self, code: str) -> SharingRecord:
        record = next((r for r in self._records.values() if r.code is not None and r.code == code), None)
        if record is None:
            raise ApiError(9084, f"no QR share with code {code!r}")
        return self._handed_out([record])[0]

    def waiting(self, did: str, guest_uid: str) -> SharingRecord | None:
        """The normal share of ``did`` to ``guest_uid`` still waiting for an answer, if any."""
        record = next((r for r in self._records.values() if r.did == did and r.guest_uid == guest_uid
                       and r.status == WAITING and not r.expired), None)
        return self._handed_out([record])[0] if record is not None else None

    def accepted(self, did: str, guest_uid: str) -> list[SharingRecord]:
        return self._handed_out([r for r in self._records.values()
                                 if r.did == did and r.guest_uid == guest_uid and r.status == ACCEPTED])

    def listing(self, *, owner_uid: str | None = None, guest_uid: str | None = None, did: str | None = None,
                statuses: tuple[int, ...] = STATUSES) -> list[SharingRecord]:
        """Records sent by ``owner_uid`` or received by ``guest_uid``, newest first."""
        found = [r for r in self._records.values()
                 if (owner_uid is None or r.owner_uid == owner_uid) and (guest_uid is None or r.guest_uid == guest_uid)
                 and (did is None or r.did == did) and r.status in statuses]
        return sorted(self._handed_out(found), key=lambda r: (r.created_at, r.id), reverse=True)

    def dump(self) -> dict[str, Any]:
        return {"next_id": self._next_id, "records": rows(self._records.values())}

    def load(self, data: dict[str, Any]) -> None:
        self._records = {r.id: r for r in from_rows(SharingRecord, data["records"])}
        self._next_id = int(data["next_id"])
        self.touched.reload()

    def record_map(self) -> dict[int, SharingRecord]:
        return self._records
