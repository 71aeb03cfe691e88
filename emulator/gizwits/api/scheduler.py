"""Device scheduler routes: ``/app/devices/{did}/scheduler`` (list, create) and ``/{id}`` (update, delete)."""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import Route

from ..cloud.automation.recurrence import WEEKDAYS
from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid
from .http import MAX_RAW_BYTES, Call, Reply, byte_list, date_field, endpoint, field, text
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

#: HH:MM in ASCII digits (also the pattern in the OpenAPI document); matched whole.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_TIME = re.compile(TIME_PATTERN)
_HEX = re.compile(r"([0-9a-fA-F]{2})*")
FORM_FIELDS = ("time", "repeat", "date", "days", "start_date", "end_date", "enabled", "remark", "attrs", "raw")


def parse_repeat(value: str) -> str:
    if value in ("none", "day"):
        return value
    parts = value.split(",")
    if not parts or any(p not in WEEKDAYS for p in parts) or len(set(parts)) != len(parts):
        raise form_invalid('repeat must be "none", "day", or weekdays like "mon,tue"')
    return value


def parse_timing(body: dict[str, Any]) -> dict[str, Any]:
    """When a task fires, whether it is enabled, its remark."""
    time = text(body, "time", required=True, max_length=5)
    if not _TIME.fullmatch(time or ""):
        raise form_invalid(f"time must be HH:MM, got {time!r}")
    repeat = parse_repeat(text(body, "repeat", required=True, max_length=64) or "")
    date = date_field(body, "date") or ""
    if repeat == "none" and not date:
        raise form_invalid('date is required when repeat is "none"')
    days = field(body, "days", list, default=[])
    if any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 31 for d in days) or len(days) > 31:
        raise form_invalid("days must be a list of days of the month, 1..31")
    if repeat == "day" and not days:
        raise form_invalid('days is required when repeat is "day"')
    start_date = date_field(body, "start_date") or None
    end_date = date_field(body, "end_date") or None
    if start_date and end_date and end_date < start_date:
        raise form_invalid("end_date is before start_date")
    enabled = field(body, "enabled", bool, default=True)
    remark = text(body, "remark", max_length=1024) or ""
    return {"time": time, "repeat": repeat, "date": date, "days": list(days), "start_date": start_date,
            "end_date": end_date, "enabled": enabled, "remark": remark}


def parse_task_command(body: dict[str, Any], product_datapoints: Any) -> dict[str, Any]:
    """What a task sends: ``attrs`` (checked against ``product_datapoints`` unless None) or ``raw`` (hex)."""
    attrs = field(body, "attrs", dict, default={})
    raw_value = field(body, "raw", (str, list), default="")
    if isinstance(raw_value, list):
        raw_value = byte_list(raw_value, allow_empty=True).hex()
    if not _HEX.fullmatch(raw_value) or len(raw_value) > 2 * MAX_RAW_BYTES:
        raise form_invalid("raw must be a hex string such as \"010203\"")
    if not attrs and not raw_value:
        raise form_invalid("a task needs attrs or raw")
    if product_datapoints is not None:
        try:
            product_datapoints.validate_write(attrs)
        except InvalidValue as error:
            raise ApiError(9025, str(error)) from None
    return {"attrs": dict(attrs), "raw": raw_value}


def given(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that are given: ``null`` counts as absent (an update keeps the task's value)."""
    return {name: value for name, value in fields.items() if value is not None}


def parse_task_form(body: dict[str, Any], product_datapoints: Any) -> dict[str, Any]:
    """Validate a scheduler task form; returns the fields to store."""
    return {**parse_timing(body), **parse_task_command(body, product_datapoints)}


@endpoint(auth="user")
def list_tasks(call: Call) -> Any:
    limit = call.query_int("limit", 20)
    skip = call.query_int("skip", 0)
    device, _ = call.cloud.bound_device(call.me, call.path("did"))
    tasks = call.cloud.schedulers.of(call.me.uid, device.did)
    return [task.body() for task in tasks[skip:skip + limit]]


@endpoint(auth="user", body="required")
def create_task(call: Call) -> Any:
    device, _ = call.cloud.bound_device(call.me, call.path("did"))
    form = parse_task_form(call.body, device.product.datapoints)
    task = call.cloud.schedulers.create(call.me.uid, device.did, device.product_key, call.now, form)
    call.cloud.tasks.arm(task, call.now)
    return Reply({"id": task.id}, 201)


@endpoint(auth="user", body="required")
def update_task(call: Call) -> Any:
    device, _ = call.cloud.bound_device(call.me, call.path("did"))
    task = call.cloud.schedulers.require(call.me.uid, device.did, call.path("id"))
    current = {name: getattr(task, name) for name in FORM_FIELDS}
    merged = given({**current, **given(call.body)})
    form = parse_task_form(merged, device.product.datapoints)
    call.cloud.schedulers.update(task, form)
    call.cloud.tasks.arm(task, call.now)
    return {"id": task.id}


@endpoint(auth="user")
def delete_task(call: Call) -> Any:
    device, _ = call.cloud.bound_device(call.me, call.path("did"))
    task = call.cloud.schedulers.require(call.me.uid, device.did, call.path("id"))
    call.cloud.schedulers.delete(task)
    call.cloud.tasks.disarm(task.id)
    return {}


ROUTES = [
    Route("/app/devices/{did}/scheduler", list_tasks, methods=["GET"]),
    Route("/app/devices/{did}/scheduler", create_task, methods=["POST"]),
    Route("/app/devices/{did}/scheduler/{id}", update_task, methods=["PUT"]),
    Route("/app/devices/{did}/scheduler/{id}", delete_task, methods=["DELETE"]),
]


# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["scheduler"]
_DID = path_param("did", "device id")
_TASK_ID = path_param("id", "task id")
_REPEAT_PATTERN = "^(none|day|(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun)){0,6})$"
#: A date, or "" for none (``date_field``).
DATE_OR_EMPTY: dict[str, Any] = {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$",
                                 "description": "YYYY-MM-DD (UTC), or \"\""}

#: The fields of a task form, as :func:`parse_timing` and :func:`parse_task_command` read them
#: (the device, common and general schedulers share them).
TIMING_FIELDS: dict[str, Any] = {
    "time": {"type": "string", "pattern": TIME_PATTERN, "description": "HH:MM, UTC"},
    "repeat": {"type": "string", "pattern": _REPEAT_PATTERN,
               "description": '"none" (once, on date), "day" (on days of the month), or weekdays "mon,wed"'},
    "date": {**DATE_OR_EMPTY, "description": 'the day of a "none" task (YYYY-MM-DD, UTC)'},
    "days": array({"type": "integer", "minimum": 1, "maximum": 31}, maxItems=31),
    "start_date": DATE_OR_EMPTY,
    "end_date": DATE_OR_EMPTY,
    "enabled": {"type": "boolean", "default": True},
    "remark": text_field(1024),
}
COMMAND_FIELDS: dict[str, Any] = {
    "attrs": {"type": "object", "description": "data point values to write"},
    "raw": {"oneOf": [
        {"type": "string", "pattern": "^([0-9a-fA-F]{2})*$", "maxLength": 2 * MAX_RAW_BYTES},
        array({"type": "integer", "minimum": 0, "maximum": 255}, maxItems=MAX_RAW_BYTES),
    ], "description": "a raw payload, as hex (or a list of bytes)"},
}
_TASK_FIELDS = {**TIMING_FIELDS, **COMMAND_FIELDS}
_TASK_ID_BODY = obj({"id": STRING}, ("id",))

SCHEMAS: dict[str, Any] = {
    "SchedulerTaskForm": form(
        _TASK_FIELDS, ("time", "repeat"),
        description="A task needs attrs or raw; date when repeat is none; days when repeat is day.",
        example={"attrs": {"mode": 1}, "time": "05:30", "repeat": "mon,tue,wed,thu,fri"},
    ),
    "SchedulerTaskUpdate": form(
        _TASK_FIELDS,
        description="The fields to change; the others keep their values (the result must still be a valid task).",
        example={"time": "06:00", "enabled": False},
    ),
    "SchedulerTask": obj({
        "remark": STRING, "repeat": STRING, "did": STRING, "created_at": {**UTC_NAIVE, "description": "UTC"},
        "enabled": BOOLEAN, "days": array(INTEGER), "product_key": STRING, "raw": {**STRING, "description": "hex"},
        "attrs": {"type": "object"}, "time": STRING, "date": STRING, "start_date": STRING, "end_date": STRING,
        "scene_id": STRING, "group_id": STRING, "id": STRING,
    }, ("remark", "repeat", "did", "created_at", "enabled", "days", "product_key", "raw", "attrs", "time", "date",
        "scene_id", "group_id", "id"), description="start_date and end_date only when set"),
}

SPEC: dict[str, Any] = {
    "/app/devices/{did}/scheduler": {
        "get": operation(
            "list_device_tasks", "The user's scheduler tasks on a device", tags=_TAGS, errors=(9014, 9017),
            parameters=[_DID, *paging_params()],
            responses={200: json_response(array(ref("SchedulerTask")))},
        ),
        "post": operation(
            "create_device_task", "Create a scheduler task on a device", tags=_TAGS, errors=(9014, 9017, 9025),
            parameters=[_DID], body=json_body(ref("SchedulerTaskForm")),
            responses={201: json_response(_TASK_ID_BODY, "the new task's id")},
        ),
    },
    "/app/devices/{did}/scheduler/{id}": {
        "put": operation(
            "update_device_task", "Change a scheduler task", tags=_TAGS, errors=(9014, 9017, 9025, 9030),
            parameters=[_DID, _TASK_ID], body=json_body(ref("SchedulerTaskUpdate")),
            responses={200: json_response(_TASK_ID_BODY)},
        ),
        "delete": operation(
            "delete_device_task", "Delete a scheduler task", tags=_TAGS, errors=(9014, 9017, 9030),
            parameters=[_DID, _TASK_ID], responses={200: json_response(ref("Empty"))},
        ),
    },
}
