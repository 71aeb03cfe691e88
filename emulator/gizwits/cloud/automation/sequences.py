"""Running a sequence of automation steps on the emulator clock: rule outputs and scene runs.

A sequence is JSON data: who runs it (``uid``), the ``source`` of the changes it causes,
and its ``steps``, each one of::

    {"type": "device", "did": ..., "attrs": {...} | None, "raw": [bytes] | None}
    {"type": "group", "group_id": ..., "attrs": ... | None, "raw": ... | None}
    {"type": "delay", "seconds": n}

Steps run in order at once until a delay; the rest of the sequence then waits in the event
queue (:data:`SEQUENCE_EVENT`) and goes on when the delay is over, so snapshots keep it and
``cloud.advance`` runs it at the right instant. A rule's output group stops at its first
failed step (seed 001: "前面的动作执行失败时，后面不会执行"); a scene goes on and is marked
failed at the end. A scene run reports its end to the scene store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import ApiError
from .task_control import fire_control, fire_group_control

if TYPE_CHECKING:
    from ..context import GizwitsContext

SEQUENCE_EVENT = "automation.sequence"


def new_sequence(uid: str, steps: list[dict[str, Any]], *, source: str, stop_on_failure: bool,
                 rule_id: int | None = None, scene_id: str | None = None, run: int = 0) -> dict[str, Any]:
    return {"uid": uid, "steps": steps, "source": source, "stop_on_failure": stop_on_failure, "failed": False,
            "rule_id": rule_id, "scene_id": scene_id, "run": run}


def run_sequence(cloud: GizwitsContext, sequence: dict[str, Any], now: float) -> None:
    """Run ``sequence`` from its first step at ``now`` until it ends or waits for a delay."""
    failed = bool(sequence["failed"])
    steps = sequence["steps"]
    for index, step in enumerate(steps):
        if step["type"] == "delay":
            rest = {**sequence, "steps": steps[index + 1:], "failed": failed}
            cloud.events.schedule(now + step["seconds"], SEQUENCE_EVENT, rest)
            return
        if not _run_step(cloud, sequence, step, now):
            failed = True
            if sequence["stop_on_failure"]:
                break
    if sequence["scene_id"] is not None:
        cloud.scenes.finish(sequence["scene_id"], sequence["run"], failed)


def _run_step(cloud: GizwitsContext, sequence: dict[str, Any], step: dict[str, Any], now: float) -> bool:
    uid, source = sequence["uid"], sequence["source"]
    attrs, raw = step.get("attrs"), step.get("raw")
    if step["type"] == "device":
        return fire_control(cloud, uid, step["did"], attrs=attrs, raw=raw, source=source, now=now) is None
    try:
        group = cloud.groups.require(uid, step["group_id"])
    except ApiError:
        return False
    results = fire_group_control(cloud, uid, group, attrs=attrs, raw=raw, source=source, now=now)
    return all(ok for _, ok in results)


def install(cloud: GizwitsContext) -> None:
    cloud.events.handle(SEQUENCE_EVENT, lambda data, due: run_sequence(cloud, data, due))
