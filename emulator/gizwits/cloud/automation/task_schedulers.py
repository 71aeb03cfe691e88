"""The older general scheduler (``/app/scheduler``, seed 002): one time, several device controls.

A task fires at ``time`` (UTC) on ``date`` (``repeat: "none"``) or on the listed weekdays,
and sends each item of its ``task`` list (``{did, product_key, attrs}``) as a control from
the task's owner. The run succeeds only when every control is delivered. A failed run is
retried up to ``retry_count`` times (0..60), :data:`RETRY_DELAY` seconds apart (the docs do
not say how far apart: the emulator's choice), resending every control (``retry_task:
"all"``) or only the ones not yet delivered (``"failed"``). Every run and retry adds an entry
to the task's log (``GET /app/scheduler/{id}/logs``), newest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ....core.timefmt import utc_iso
from .owned import OwnedStore
from .recurrence import Recurrence
from .task_control import fire_control

if TYPE_CHECKING:
    from ..context import GizwitsContext

FIRE_EVENT = "task_scheduler.fire"
RETRY_DELAY = 60
MAX_RETRIES = 60


class TaskList(Struct):
    id: str
    uid: str
    created_at: float
    time: str
    repeat: str
    date: str = ""
    task: list[dict[str, Any]] = field(default_factory=list)
    retry_count: int = 0
    retry_task: str = "all"
    logs: list[dict[str, Any]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """One item of ``GET /app/scheduler`` (seed 002)."""
        return {
            "id": self.id, "created_at": utc_iso(self.created_at, zulu=False), "date": self.date, "time": self.time,
            "repeat": self.repeat, "task": [dict(item) for item in self.task], "retry_count": self.retry_count,
            "retry_task": self.retry_task,
        }


class TaskListStore(OwnedStore[TaskList]):
    record = TaskList
    missing = (9030, "scheduler")

    def create(self, uid: str, now: float, form: Mapping[str, Any]) -> TaskList:
        return self.add(TaskList(id=self.new_id(), uid=uid, created_at=now, **form))



def plan(cloud: GizwitsContext, task: TaskList, after: float) -> None:
    """Schedule the next run of ``task`` strictly after ``after``, if there is one."""
    due = Recurrence(task.time, task.repeat, task.date).next_after(after)
    if due is not None:
        cloud.events.schedule(due, FIRE_EVENT, {"id": task.id, "attempt": 0, "items": None})


def remove(cloud: GizwitsContext, task: TaskList) -> None:
    cloud.events.cancel_where(FIRE_EVENT, id=task.id)
    cloud.task_schedulers.delete(task)


def fire(cloud: GizwitsContext, data: Mapping[str, Any], due: float) -> None:
    """One run (``attempt`` 0) or retry of a task: send the controls, log, retry what failed."""
    task = cloud.task_schedulers.get(data["id"])
    if task is None:
        return
    attempt = data["attempt"]
    items = data["items"] if data["items"] is not None else list(range(len(task.task)))
    delivered = {index: fire_control(cloud, task.uid, task.task[index]["did"], attrs=task.task[index]["attrs"],
                                     source="scheduler", now=due) is None
                 for index in items}
    succeeded = all(delivered.values())
    task.logs.insert(0, {
        "datetime": utc_iso(due, zulu=False),
        "status": "succeed" if succeeded else "failed",
        "detail": {task.task[index]["did"]: ok for index, ok in delivered.items()},
    })
    if not succeeded and attempt < task.retry_count:
        retry = items if task.retry_task == "all" else [index for index, ok in delivered.items() if not ok]
        cloud.events.schedule(due + RETRY_DELAY, FIRE_EVENT, {"id": task.id, "attempt": attempt + 1, "items": retry})
    if attempt == 0:
        plan(cloud, task, due)


def install(cloud: GizwitsContext) -> None:
    cloud.events.handle(FIRE_EVENT, lambda data, due: fire(cloud, data, due))
