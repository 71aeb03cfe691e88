"""Device scheduler tasks (``/app/devices/{did}/scheduler``): stored per user and device.

A task sets data points (``attrs``) or sends a raw payload (``raw``) at ``time`` on a
``date`` (``repeat: "none"``), on weekdays (``"mon,tue"``) or on days of the month
(``repeat: "day"`` with ``days``), between ``start_date`` and ``end_date`` when enabled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from msgspec import Struct, field

from ....core.ids import IdFactory
from ....core.persist import KeyedRecords, Touched, from_rows, rows
from ...errors import ApiError


class DeviceTask(Struct):
    id: str
    uid: str
    did: str
    product_key: str
    created_at: float
    time: str
    repeat: str
    date: str = ""
    days: list[int] = field(default_factory=list)
    start_date: str | None = None
    end_date: str | None = None
    enabled: bool = True
    remark: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    raw: str = ""

    def body(self) -> dict[str, Any]:
        """One item of ``GET /app/devices/{did}/scheduler``, in the real cloud's shape."""
        item: dict[str, Any] = {
            "remark": self.remark,
            "repeat": self.repeat,
            "did": self.did,
            "created_at": datetime.fromtimestamp(self.created_at, UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "enabled": self.enabled,
            "days": list(self.days),
            "product_key": self.product_key,
            "raw": self.raw,
            "attrs": dict(self.attrs),
            "time": self.time,
            "date": self.date,
            "scene_id": "",
            "group_id": "",
            "id": self.id,
        }
        if self.start_date is not None:
            item["start_date"] = self.start_date
        if self.end_date is not None:
            item["end_date"] = self.end_date
        return item


class SchedulerStore(KeyedRecords):
    """Device scheduler tasks by id; a record store (:mod:`emulator.core.persist`), tasks handed out
    count as touched."""

    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self._tasks: dict[str, DeviceTask] = {}
        self.touched = Touched()

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.touched.touch_all(self._tasks)
        return iter(self._tasks.values())

    def of(self, uid: str, did: str) -> list[DeviceTask]:
        found = [t for t in self._tasks.values() if t.uid == uid and t.did == did]
        self.touched.touch_all(t.id for t in found)
        return found

    def create(self, uid: str, did: str, product_key: str, now: float, form: dict[str, Any]) -> DeviceTask:
        task = DeviceTask(id=self._ids.object_id(), uid=uid, did=did, product_key=product_key, created_at=now, **form)
        self._tasks[task.id] = task
        self.touched.touch(task.id)
        return task

    def get(self, task_id: str) -> DeviceTask | None:
        task = self._tasks.get(task_id)
        if task is not None:
            self.touched.touch(task_id)
        return task

    def require(self, uid: str, did: str, task_id: str) -> DeviceTask:
        task = self.get(task_id)
        if task is None or task.uid != uid or task.did != did:
            raise ApiError(9030, f"no scheduler {task_id!r} for device {did!r}")
        return task

    def update(self, task: DeviceTask, form: dict[str, Any]) -> DeviceTask:
        for key, value in form.items():
            setattr(task, key, value)
        self.touched.touch(task.id)
        return task

    def delete(self, task: DeviceTask) -> None:
        self._tasks.pop(task.id, None)
        self.touched.touch(task.id)

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._tasks.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        self._tasks = {t.id: t for t in from_rows(DeviceTask, data)}
        self.touched.reload()

    def record_map(self) -> dict[str, DeviceTask]:
        return self._tasks

    def drop_device(self, did: str, uid: str | None = None) -> None:
        for task in [t for t in self._tasks.values() if t.did == did and (uid is None or t.uid == uid)]:
            del self._tasks[task.id]
            self.touched.touch(task.id)
