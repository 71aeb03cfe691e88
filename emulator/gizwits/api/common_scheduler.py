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

from ..cloud.automation.common_schedulers import TARGETS, CommonTask, plan, remove, replan
from ..errors import form_invalid
from .http import Call, Reply, endpoint, text
from .openapi import (
    STRING,
    array,
    form,
    json_body,
    json_response,
    obj,
    operation,
    paging_params,
    path_param,
    query_param,
    ref,
    text_field,
)
from .scheduler import COMMAND_FIELDS, FORM_FIELDS, TIMING_FIELDS, given, parse_task_command, parse_timing


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
    merged = given({name: getattr(task, name) for name in (*FORM_FIELDS, *TARGETS)})
    changes = given(call.body)
    if any(name in changes for name in TARGETS):
        for name in TARGETS:
            merged.pop(name)
    merged.update(changes)
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
_TAGS = ["common scheduler"]
_ID = path_param("id", "task id")
_TARGETS = {name: text_field(64) for name in TARGETS}
_ID_BODY = obj({"id": STRING}, ("id",))
#: The target: device unknown (9014) or not the user's (9017), scene unknown (9220) or another
#: user's (9221), command invalid (9025); an unknown group is 9015 with a detail.
_ERRORS = (9014, 9017, 9025, 9220, 9221)
_FIELDS = {**TIMING_FIELDS, **COMMAND_FIELDS, **_TARGETS}

SCHEMAS: dict[str, Any] = {
    "CommonSchedulerForm": form(
        _FIELDS, ("time", "repeat"),
        description="The target is the first of did, group_id, scene_id given (not empty). Device and group tasks "
                    "need attrs or raw; a scene task runs the scene.",
        example={"time": "05:00", "repeat": "mon,fri", "scene_id": "5f3e1c2b9a8d7e6f5a4b3c2d"},
    ),
    "CommonSchedulerUpdate": form(
        _FIELDS, description="The fields to change; naming a target replaces the task's target.",
        example={"enabled": False},
    ),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/common_scheduler": {
        "get": operation(
            "list_common_tasks", "The user's common scheduler tasks, oldest first", tags=_TAGS,
            parameters=[*(query_param(name, f"only the tasks aimed at this {name}", STRING) for name in TARGETS),
                        *paging_params()],
            responses={200: json_response(array(ref("SchedulerTask")))},
        ),
        "post": operation("create_common_task", "Create a task aimed at a device, a group or a scene", tags=_TAGS,
                          errors=_ERRORS, body=json_body(ref("CommonSchedulerForm")),
                          responses={201: json_response(_ID_BODY, "the new task's id")}),
    },
    "/app/common_scheduler/{id}": {
        "put": operation("update_common_task", "Change a common scheduler task", tags=_TAGS,
                         errors=(*_ERRORS, 9030), parameters=[_ID], body=json_body(ref("CommonSchedulerUpdate")),
                         responses={200: json_response(_ID_BODY)}),
        "delete": operation("delete_common_task", "Delete a common scheduler task", tags=_TAGS, errors=(9030,),
                            parameters=[_ID], responses={200: json_response(ref("Empty"))}),
    },
}
