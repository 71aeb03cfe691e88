"""Common scheduler routes: ``/app/common_scheduler`` (list, create) and ``/{id}`` (update, delete).

A task aims at one of ``did``, ``group_id``, ``scene_id``: the first non-empty one in that
order (the swagger: "若同时传了多个，则按此优先级取第一个有效字符串"). Device and group tasks
need ``attrs`` or ``raw`` (hex); for a scene they are ignored. Timing fields are those of
the device scheduler (times in UTC). ``PUT`` changes the fields it is given; naming a target
there replaces the task's target.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.common_schedulers import TARGETS, CommonTask, plan, remove, replan
from ..errors import form_invalid
from .http import Call, Reply, endpoint, text
from .scheduler import FORM_FIELDS, parse_task_command, parse_timing
from .spec import PAGING, STRING, array, obj, operation, path_param, query_param, ref

TAG = "Common scheduler"


def _target(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    """The task's target fields, its product key and its command."""
    for name in TARGETS:
        text(body, name, max_length=64)
    name = next((n for n in TARGETS if body.get(n)), None)
    if name is None:
        raise form_invalid("give did, group_id or scene_id")
    value = body[name]
    fields: dict[str, Any] = {"did": "", "group_id": "", "scene_id": "", name: value}
    if name == "did":
        device, _ = call.cloud.bound_device(call.me, value)
        return {**fields, "product_key": device.product_key,
                **parse_task_command(body, device.product.datapoints)}
    if name == "group_id":
        group = call.cloud.groups.require(call.me.uid, value)
        datapoints = call.cloud.product(group.product_key).datapoints if group.product_key else None
        return {**fields, "product_key": group.product_key, **parse_task_command(body, datapoints)}
    call.cloud.scenes.require(call.me.uid, value)
    return {**fields, "product_key": "", "attrs": {}, "raw": ""}


def _task(call: Call) -> CommonTask:
    return call.cloud.common_schedulers.require(call.me.uid, call.path("id"))


@endpoint(auth="user")
def list_tasks(call: Call) -> Any:
    limit = call.query_int("limit", 20) or 0
    skip = call.query_int("skip", 0) or 0
    name = next((n for n in TARGETS if call.query_str(n)), None)
    tasks = call.cloud.common_schedulers.of(call.me.uid, name, call.query_str(name) if name else None)
    return [task.body() for task in tasks[skip:skip + limit]]


@endpoint(auth="user", body="required")
def create_task(call: Call) -> Any:
    form = {**parse_timing(call.body), **_target(call, call.body)}
    task = call.cloud.common_schedulers.create(call.me.uid, call.now, form)
    plan(call.cloud, task, call.now)
    return Reply({"id": task.id}, 201)


@endpoint(auth="user", body="required")
def update_task(call: Call) -> Any:
    task = _task(call)
    merged: dict[str, Any] = {name: getattr(task, name) for name in (*FORM_FIELDS, *TARGETS)}
    merged = {k: v for k, v in merged.items() if v is not None}
    if any(name in call.body for name in TARGETS):
        for name in TARGETS:
            merged.pop(name)
    merged.update(call.body)
    form = {**parse_timing(merged), **_target(call, merged)}
    call.cloud.common_schedulers.update(task, form)
    replan(call.cloud, task, call.now)
    return {"id": task.id}


@endpoint(auth="user")
def delete_task(call: Call) -> Any:
    remove(call.cloud, _task(call))
    return {}


ROUTES = [
    Route("/app/common_scheduler", list_tasks, methods=["GET"]),
    Route("/app/common_scheduler", create_task, methods=["POST"]),
    Route("/app/common_scheduler/{id}", update_task, methods=["PUT"]),
    Route("/app/common_scheduler/{id}", delete_task, methods=["DELETE"]),
]

# -- OpenAPI ------------------------------------------------------------------------------------
_DATE = {"type": "string", "format": "date"}
_TIMING = {
    "time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "UTC"},
    "repeat": {"type": "string", "description": '"none", "day", or weekdays like "mon,tue"'},
    "date": _DATE, "days": array({"type": "integer", "minimum": 1, "maximum": 31}),
    "start_date": _DATE, "end_date": _DATE, "enabled": {"type": "boolean"}, "remark": STRING,
    "attrs": {"type": "object"}, "raw": {"type": "string", "pattern": "^([0-9a-fA-F]{2})*$"},
}
_TARGETS = {"did": STRING, "group_id": STRING, "scene_id": STRING}
_ID_BODY = obj({"id": STRING}, ["id"])
_ERRORS = (9014, 9017, 9025, 9220, 9221)

SCHEMAS: dict[str, Any] = {
    "CommonSchedulerForm": obj({**_TIMING, **_TARGETS}, ["time", "repeat"]),
    "CommonSchedulerTask": obj({
        **_TIMING, **_TARGETS, "id": STRING, "product_key": STRING, "created_at": STRING,
    }, ["id", "created_at", "time", "repeat", "did", "group_id", "scene_id", "product_key", "attrs", "raw",
        "enabled", "days", "date", "remark"]),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/common_scheduler": {
        "get": operation(
            "List the user's common scheduler tasks", tag=TAG, ok=array(ref("CommonSchedulerTask")),
            parameters=[*(query_param(n, f"only the tasks aimed at this {n}", STRING) for n in _TARGETS), *PAGING],
        ),
        "post": operation("Create a task aimed at a device, a group or a scene", tag=TAG, status=201, ok=_ID_BODY,
                          body=ref("CommonSchedulerForm"), errors=_ERRORS),
    },
    "/app/common_scheduler/{id}": {
        "put": operation("Update a common scheduler task", tag=TAG, ok=_ID_BODY, body=ref("CommonSchedulerForm"),
                         parameters=[path_param("id", "task id")], errors=(*_ERRORS, 9030)),
        "delete": operation("Delete a common scheduler task", tag=TAG, ok=obj({}),
                            parameters=[path_param("id", "task id")], errors=(9030,)),
    },
}
