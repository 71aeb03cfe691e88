"""The older general scheduler (seed 002): ``/app/scheduler`` (list, create), ``/{id}`` (delete),
``/{id}/logs``.

A task is ``date``/``time`` (UTC)/``repeat`` (``"none"`` or weekdays; seed 002 knows no
``"day"``), a ``task`` list of ``{did, product_key, attrs}`` controls, ``retry_count``
(0..60) and ``retry_task`` (``"all"`` or ``"failed"``). The logs route answers a list of
``{datetime, status, detail}`` entries, newest first: seed 002 shows one such entry as the
example, and a task that repeats has many runs.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.automation.task_schedulers import MAX_RETRIES, plan, remove
from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid
from .http import Call, Reply, endpoint, field, text
from .openapi import (
    BOOLEAN,
    INTEGER,
    STRING,
    UTC_NAIVE,
    array,
    form,
    json_body,
    json_response,
    obj,
    operation,
    paging_params,
    path_param,
    ref,
    text_field,
)
from .scheduler import TIMING_FIELDS, parse_timing

RETRY_TASKS = ("all", "failed")


def _controls(call: Call) -> list[dict[str, Any]]:
    items = field(call.body, "task", list, required=True)
    if not items:
        raise form_invalid("task needs at least one control")
    controls = []
    for index, item in enumerate(items):
        where = f"task[{index}]"
        if not isinstance(item, dict):
            raise form_invalid(f"{where} must be an object {{did, product_key, attrs}}")
        device, _ = call.cloud.bound_device(call.me, text(item, "did", required=True, max_length=64) or "")
        product_key = text(item, "product_key", max_length=64)
        if product_key and product_key != device.product_key:
            raise ApiError(9002, f"{where}: device {device.did!r} is a {device.product.name}")
        attrs = field(item, "attrs", dict, required=True)
        if not attrs:
            raise form_invalid(f"{where}.attrs is empty")
        try:
            device.product.datapoints.validate_write(attrs)
        except InvalidValue as error:
            raise ApiError(9025, f"{where}: {error}") from None
        controls.append({"did": device.did, "product_key": device.product_key, "attrs": dict(attrs)})
    return controls


@endpoint(auth="user")
def list_tasks(call: Call) -> Any:
    limit = call.query_int("limit", 20) or 0
    skip = call.query_int("skip", 0) or 0
    return [task.body() for task in call.cloud.task_schedulers.of_user(call.me.uid)[skip:skip + limit]]


@endpoint(auth="user", body="required")
def create_task(call: Call) -> Any:
    timing = parse_timing(call.body)
    if timing["repeat"] == "day":
        raise form_invalid('repeat must be "none" or weekdays like "mon,tue"')
    retry_count = field(call.body, "retry_count", int, default=0)
    if not 0 <= retry_count <= MAX_RETRIES:
        raise form_invalid(f"retry_count must be 0..{MAX_RETRIES}")
    retry_task = text(call.body, "retry_task", max_length=8) or "all"
    if retry_task not in RETRY_TASKS:
        raise form_invalid('retry_task must be "all" or "failed"')
    form = {"time": timing["time"], "repeat": timing["repeat"], "date": timing["date"], "task": _controls(call),
            "retry_count": retry_count, "retry_task": retry_task}
    task = call.cloud.task_schedulers.create(call.me.uid, call.now, form)
    plan(call.cloud, task, call.now)
    return Reply({"id": task.id}, 201)


@endpoint(auth="user")
def delete_task(call: Call) -> Any:
    remove(call.cloud, call.cloud.task_schedulers.require(call.me.uid, call.path("id")))
    return {}


@endpoint(auth="user")
def task_logs(call: Call) -> Any:
    task = call.cloud.task_schedulers.require(call.me.uid, call.path("id"))
    return [dict(entry) for entry in task.logs]


ROUTES = [
    Route("/app/scheduler", list_tasks, methods=["GET"]),
    Route("/app/scheduler", create_task, methods=["POST"]),
    Route("/app/scheduler/{id}", delete_task, methods=["DELETE"]),
    Route("/app/scheduler/{id}/logs", task_logs, methods=["GET"]),
]

# -- OpenAPI ------------------------------------------------------------------------------------
_TAGS = ["general scheduler"]
_ID = path_param("id", "task id")
_RETRY = {"retry_count": {"type": "integer", "minimum": 0, "maximum": MAX_RETRIES, "default": 0},
          "retry_task": {"type": "string", "enum": list(RETRY_TASKS), "default": "all",
                         "description": "on a retry, resend every control or only the failed ones"}}
_WEEKLY = "^(none|(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun)){0,6})$"

SCHEMAS: dict[str, Any] = {
    "GeneralSchedulerForm": form({
        "date": TIMING_FIELDS["date"], "time": TIMING_FIELDS["time"],
        "repeat": {"type": "string", "pattern": _WEEKLY, "description": '"none" (once, on date) or weekdays "mon,tue"'},
        "task": array(form({"did": text_field(64), "product_key": text_field(64),
                            "attrs": {"type": "object", "minProperties": 1}}, ("did", "attrs")), minItems=1),
        **_RETRY,
    }, ("time", "repeat", "task"), example={
        "date": "2030-01-01", "time": "05:00", "repeat": "none", "retry_count": 1,
        "task": [{"did": "G4bswhyi45QARPAgFhTHH7", "attrs": {"mode": "fro"}}]}),
    "GeneralSchedulerTask": obj({
        "id": STRING, "created_at": UTC_NAIVE, "date": STRING, "time": STRING, "repeat": STRING,
        "task": array(obj({"did": STRING, "product_key": STRING, "attrs": {"type": "object"}},
                          ("did", "product_key", "attrs"))),
        "retry_count": INTEGER, "retry_task": {"enum": list(RETRY_TASKS)},
    }, ("id", "created_at", "date", "time", "repeat", "task", "retry_count", "retry_task")),
    "GeneralSchedulerLog": obj({
        "datetime": UTC_NAIVE, "status": {"enum": ["succeed", "failed"]},
        "detail": {"type": "object", "additionalProperties": BOOLEAN, "description": "did -> delivered"},
    }, ("datetime", "status", "detail")),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/scheduler": {
        "get": operation("list_general_tasks", "The user's general scheduler tasks (older API)", tags=_TAGS,
                         parameters=paging_params(),
                         responses={200: json_response(array(ref("GeneralSchedulerTask")))}),
        "post": operation(
            "create_general_task", "Create a task sending several controls at once (older API)", tags=_TAGS,
            errors=(9002, 9014, 9017, 9025), body=json_body(ref("GeneralSchedulerForm")),
            responses={201: json_response(obj({"id": STRING}, ("id",)), "the new task's id")},
        ),
    },
    "/app/scheduler/{id}": {
        "delete": operation("delete_general_task", "Delete a general scheduler task (older API)", tags=_TAGS,
                            errors=(9030,), parameters=[_ID], responses={200: json_response(ref("Empty"))}),
    },
    "/app/scheduler/{id}/logs": {
        "get": operation("general_task_logs", "Runs of a general scheduler task, newest first (older API)",
                         tags=_TAGS, errors=(9030,), parameters=[_ID],
                         responses={200: json_response(array(ref("GeneralSchedulerLog")))}),
    },
}
