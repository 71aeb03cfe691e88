"""Device scheduler routes: ``/app/devices/{did}/scheduler`` (list, create) and ``/{id}`` (update, delete)."""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import Route

from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid
from .http import Call, Reply, date_field, endpoint, field, text

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_HEX = re.compile(r"^([0-9a-fA-F]{2})*$")
FORM_FIELDS = ("time", "repeat", "date", "days", "start_date", "end_date", "enabled", "remark", "attrs", "raw")


def parse_repeat(value: str) -> str:
    if value in ("none", "day"):
        return value
    parts = value.split(",")
    if not parts or any(p not in WEEKDAYS for p in parts) or len(set(parts)) != len(parts):
        raise form_invalid('repeat must be "none", "day", or weekdays like "mon,tue"')
    return value


def parse_task_form(body: dict[str, Any], product_datapoints: Any) -> dict[str, Any]:
    """Validate a scheduler task form; returns the fields to store."""
    time = text(body, "time", required=True, max_length=5)
    if not _TIME.match(time or ""):
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
    attrs = field(body, "attrs", dict, default={})
    raw_value = field(body, "raw", (str, list), default="")
    if isinstance(raw_value, list):
        if any(isinstance(b, bool) or not isinstance(b, int) or not 0 <= b <= 255 for b in raw_value):
            raise form_invalid("raw must be a hex string or a list of bytes")
        raw_value = bytes(raw_value).hex()
    if not _HEX.match(raw_value) or len(raw_value) > 2048:
        raise form_invalid("raw must be a hex string such as \"010203\"")
    if not attrs and not raw_value:
        raise form_invalid("a task needs attrs or raw")
    try:
        product_datapoints.validate_write(attrs)
    except InvalidValue as error:
        raise ApiError(9025, str(error)) from None
    return {"time": time, "repeat": repeat, "date": date, "days": list(days), "start_date": start_date,
            "end_date": end_date, "enabled": enabled, "remark": remark, "attrs": dict(attrs), "raw": raw_value}


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
    merged = {k: v for k, v in current.items() if v is not None}
    merged.update(call.body)
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
