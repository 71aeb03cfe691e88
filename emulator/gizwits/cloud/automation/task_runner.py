"""Running device scheduler tasks (``/app/devices/{did}/scheduler``) at their time.

Each enabled task has one pending ``scheduler.task`` event (key ``task:<id>``) at its
next occurrence (:mod:`.recurrence`: task times are UTC, as both Gizwits docs say). When
it fires, the cloud sends the task's ``attrs`` or ``raw`` payload to the device as its
owner's control (:func:`.task_control.fire_control`: the same checks, device-level fault
rules included), recorded with source ``"scheduler"``; then the task is armed for its
next occurrence. A task whose device is offline or disabled at that moment is skipped,
as the real cloud's command would fail; a deleted or disabled task does not fire. This
is how the 1st generation Pilote, which has no program of its own, follows the week
program the Heatzy app keeps in the cloud.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .recurrence import Recurrence
from .schedulers import DeviceTask
from .task_control import fire_control

if TYPE_CHECKING:
    from ..context import GizwitsContext

KIND = "scheduler.task"


def recurrence_of(task: DeviceTask) -> Recurrence:
    return Recurrence(task.time, task.repeat, task.date, tuple(task.days), task.start_date, task.end_date)


class TaskRunner:
    def __init__(self, cloud: GizwitsContext) -> None:
        self.cloud = cloud
        self.fired = 0
        self.skipped = 0
        cloud.events.handle(KIND, self._fire)

    @staticmethod
    def _key(task_id: str) -> str:
        return "task:" + task_id

    def arm(self, task: DeviceTask, after: float) -> float | None:
        """Schedule the task's next occurrence strictly after ``after``; return it (None: never again)."""
        due = recurrence_of(task).next_after(after) if task.enabled else None
        if due is None:
            self.cloud.events.cancel_key(self._key(task.id))
        else:
            self.cloud.events.schedule(due, KIND, {"id": task.id}, key=self._key(task.id))
        return due

    def disarm(self, task_id: str) -> None:
        self.cloud.events.cancel_key(self._key(task_id))

    def _fire(self, data: dict[str, Any], due: float) -> None:
        task = self.cloud.schedulers.get(str(data["id"]))
        if task is None or not task.enabled:
            return
        self.run(task, due)
        self.arm(task, due)

    def run(self, task: DeviceTask, at: float) -> bool:
        """Send the task's command to its device at ``at``, as its owner's control would go
        (the same checks and the same log); False when it could not be delivered."""
        error = fire_control(self.cloud, task.uid, task.did, attrs=task.attrs or None,
                             raw=list(bytes.fromhex(task.raw)) if task.raw else None, source="scheduler", now=at)
        if error is not None:
            self.skipped += 1
            return False
        self.fired += 1
        return True
