"""Common scheduler tasks (``/app/common_scheduler``): timed controls of a device, a group or a scene.

A task has the timing of a device scheduler task (``time`` in UTC, ``repeat``, ``date``,
``days``, ``start_date``/``end_date``, ``enabled``; see :mod:`.recurrence`) and exactly one
target: ``did`` (send ``attrs``/``raw``), ``group_id`` (send them to every device of the
group) or ``scene_id`` (run the scene). Its next firing is one event in the queue; firing
schedules the one after. These tasks are a list of their own: the docs do not say that
``/app/devices/{did}/scheduler`` tasks appear here, and the emulator keeps them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...errors import ApiError
from .owned import OwnedStore
from .recurrence import Recurrence
from .scenes import start_run
from .schedulers import DeviceTask
from .sequences import new_sequence, run_sequence

if TYPE_CHECKING:
    from ..context import GizwitsContext

FIRE_EVENT = "common_scheduler.fire"
TARGETS = ("did", "group_id", "scene_id")


class CommonTask(DeviceTask):
    group_id: str = ""
    scene_id: str = ""

    def body(self) -> dict[str, Any]:
        """One item of ``GET /app/common_scheduler``: a device task's shape with its real target."""
        item = super().body()
        item["group_id"] = self.group_id
        item["scene_id"] = self.scene_id
        return item

    def recurrence(self) -> Recurrence:
        return Recurrence(self.time, self.repeat, self.date, tuple(self.days), self.start_date, self.end_date)


class CommonSchedulerStore(OwnedStore[CommonTask]):
    record = CommonTask
    missing = (9030, "scheduler")

    def of(self, uid: str, target: str | None = None, value: str | None = None) -> list[CommonTask]:
        """The user's tasks, oldest first; only those whose ``target`` field is ``value`` when given."""
        return [t for t in self.of_user(uid) if target is None or getattr(t, target) == value]

    def create(self, uid: str, now: float, form: Mapping[str, Any]) -> CommonTask:
        return self.add(CommonTask(id=self.new_id(), uid=uid, created_at=now, **form))


    def update(self, task: CommonTask, form: Mapping[str, Any]) -> None:
        for key, value in form.items():
            setattr(task, key, value)

    def targeting(self, target: str, value: str, uid: str | None = None) -> list[CommonTask]:
        return [t for t in self if getattr(t, target) == value and (uid is None or t.uid == uid)]


def plan(cloud: GizwitsContext, task: CommonTask, after: float) -> None:
    """Schedule the next firing of ``task`` strictly after ``after``; none when disabled or over."""
    if not task.enabled:
        return
    due = task.recurrence().next_after(after)
    if due is not None:
        cloud.events.schedule(due, FIRE_EVENT, {"id": task.id})


def replan(cloud: GizwitsContext, task: CommonTask, after: float) -> None:
    """``task`` changed: forget its planned firing and plan it anew."""
    cloud.events.cancel_where(FIRE_EVENT, id=task.id)
    plan(cloud, task, after)


def remove(cloud: GizwitsContext, task: CommonTask) -> None:
    cloud.events.cancel_where(FIRE_EVENT, id=task.id)
    cloud.common_schedulers.delete(task)


def remove_targeting(cloud: GizwitsContext, target: str, value: str, uid: str | None = None) -> None:
    """Remove the tasks whose target (a deleted group or scene, an unbound device) is gone."""
    for task in cloud.common_schedulers.targeting(target, value, uid):
        remove(cloud, task)


def fire(cloud: GizwitsContext, task_id: str, due: float) -> None:
    task = cloud.common_schedulers.get(task_id)
    if task is None:
        return
    if task.scene_id:
        try:
            scene = cloud.scenes.require(task.uid, task.scene_id)
        except ApiError:
            scene = None
        if scene is not None:
            start_run(cloud, scene, due)
    else:
        command = {"attrs": task.attrs or None, "raw": list(bytes.fromhex(task.raw)) if task.raw else None}
        step = ({"type": "device", "did": task.did, **command} if task.did
                else {"type": "group", "group_id": task.group_id, **command})
        run_sequence(cloud, new_sequence(task.uid, [step], source="scheduler", stop_on_failure=True), due)
    plan(cloud, task, due)


def install(cloud: GizwitsContext) -> None:
    cloud.events.handle(FIRE_EVENT, lambda data, due: fire(cloud, data["id"], due))
