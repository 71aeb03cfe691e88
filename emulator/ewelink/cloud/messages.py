"""The message center (L1866-1902): notifications per account and home, newest first.

The cloud posts ``shareNotify_v2`` to the account a device is shared with and
``cancelShareNotify_v2`` when the share is cancelled; each message belongs to the home that
was the receiver's current home then. Listing reads up to ``num`` (1-30) messages older than
``from`` (milliseconds; default now).
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from ...core.persist import from_rows, owned, rows
from .ids import EwelinkIds

SHARE, CANCEL_SHARE = "shareNotify_v2", "cancelShareNotify_v2"


class Notice(Struct):
    msgid: str
    apikey: str
    familyid: str
    msg_type: str
    date: float
    message: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "msgType": self.msg_type, "message": dict(self.message),
                "date": int(self.date * 1000)}


class NoticeStore:
    def __init__(self, ids: EwelinkIds) -> None:
        self._ids = ids
        self._notices: list[Notice] = []

    def post(self, apikey: str, familyid: str, msg_type: str, message: dict[str, Any], now: float) -> Notice:
        notice = Notice(self._ids.object_id(), apikey, familyid, msg_type, now, message)
        self._notices.append(notice)
        return notice

    def read(self, apikey: str, familyid: str, before_ms: int, num: int) -> list[Notice]:
        found = [n for n in self._notices if n.apikey == apikey and n.familyid == familyid
                 and int(n.date * 1000) < before_ms]
        return sorted(reversed(found), key=lambda n: n.date, reverse=True)[:num]  # ties: the later first

    def forget(self, apikey: str) -> None:
        self._notices = [n for n in self._notices if n.apikey != apikey]

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._notices)

    def load(self, data: list[dict[str, Any]]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._notices = from_rows(Notice, data)
