"""User scenes: a named list of device, group and delay tasks a user runs in one go.

A run (``POST /app/scene/{id}/task``) executes the tasks in order on the emulator clock
(see :mod:`.sequences`); ``GET /app/scene/{id}/task`` reads its status: 0 running,
1 done, 2 failed (some task could not be delivered; the others still ran), 3 never run.
A new run replaces one still in progress. A run uses the tasks as they were when it
started.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ...errors import ApiError
from .owned import OwnedStore
from .sequences import SEQUENCE_EVENT, new_sequence, run_sequence

if TYPE_CHECKING:
    from ..context import GizwitsContext

RUNNING, DONE, FAILED, NOT_RUN = 0, 1, 2, 3


class Scene(Struct):
    id: str
    uid: str
    scene_name: str
    created_at: float
    updated_at: float
    remark: str = ""
    #: As stored: ``{"task_type", "did", "group_id", "attrs", "raw" (base64), "time", "remark"}``.
    tasks: list[dict[str, Any]] = field(default_factory=list)
    status: int = NOT_RUN
    run: int = 0

    def steps(self) -> list[dict[str, Any]]:
        """The tasks as sequence steps."""
        steps: list[dict[str, Any]] = []
        for task in self.tasks:
            if task["task_type"] == "delay":
                steps.append({"type": "delay", "seconds": task["time"]})
                continue
            command = {"attrs": task["attrs"] or None,
                       "raw": list(base64.b64decode(task["raw"])) if task["raw"] else None}
            if task["task_type"] == "device":
                steps.append({"type": "device", "did": task["did"], **command})
            else:
                steps.append({"type": "group", "group_id": task["group_id"], **command})
        return steps


class SceneStore(OwnedStore[Scene]):
    record = Scene
    missing = (9220, "scene")

    def create(self, uid: str, now: float, *, scene_name: str, remark: str, tasks: list[dict[str, Any]]) -> Scene:
        return self.add(Scene(self.new_id(), uid, scene_name, now, now, remark, tasks))

    def require(self, uid: str, scene_id: str) -> Scene:
        """9220 when there is no such scene, 9221 when it is another user's."""
        scene = self.get(scene_id)
        if scene is None:
            raise ApiError(9220, f"no scene {scene_id!r}")
        if scene.uid != uid:
            raise ApiError(9221)
        return scene

    def finish(self, scene_id: str, run: int, failed: bool) -> None:
        scene = self.get(scene_id)
        if scene is not None and scene.run == run:
            scene.status = FAILED if failed else DONE


def start_run(cloud: GizwitsContext, scene: Scene, now: float) -> None:
    """Run ``scene`` from its first task; a run still in progress is abandoned."""
    cloud.events.cancel_where(SEQUENCE_EVENT, scene_id=scene.id)
    scene.run += 1
    scene.status = RUNNING
    run_sequence(cloud, new_sequence(scene.uid, scene.steps(), source="scene", stop_on_failure=False,
                                     scene_id=scene.id, run=scene.run), now)

