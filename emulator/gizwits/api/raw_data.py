"""Device communication logs: ``GET /app/devices/{did}/raw_data``.

The rules are the Gizwits docs' (seed 001 "获取设备的通信日志和上下线记录", seed 002, the
swagger): ``type`` is ``cmd`` (communication) or ``online`` (connection records);
``start_time`` and ``end_time`` are Unix seconds, entries have ``start_time < timestamp
<= end_time``; ``end_time`` must not be after now, must be after ``start_time``, and less
than 48 hours after it; ``limit`` is at most 1000 (default 20) and ``skip + limit`` at
most 5000; ``sort`` is descending by default. Logs are kept 7 days: a ``start_time``
older than that is refused rather than answered with a silently truncated log. Every
violation is 9015 with a detail.

``sort``: seed 001's table spells the values "dese"/"ase" while its example, seed 002 and
the swagger use "desc"/"asc". All four are accepted; ``meta.sort`` echoes the standard
spelling ("desc"/"asc"), as seed 001's own example response does.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...core.history import RETENTION
from ..cloud.devicedata.rawlog import CMD, ONLINE, entries
from ..errors import form_invalid
from .http import Call, endpoint
from .openapi import INTEGER, STRING, array, json_response, obj, operation, path_param, query_param, ref

MAX_SPAN = 48 * 3600
MAX_LIMIT = 1000
MAX_WINDOW = 5000
SORTS = {"desc": "desc", "dese": "desc", "asc": "asc", "ase": "asc"}


def _required_int(call: Call, name: str) -> int:
    value = call.query_int(name)
    if value is None:
        raise form_invalid(f"{name} is required (Unix time in seconds)")
    return value


@endpoint(auth="user")
def raw_data(call: Call) -> Any:
    kind = call.query_str("type")
    if kind not in (CMD, ONLINE):
        raise form_invalid(f'type must be "cmd" or "online", got {kind!r}')
    start = _required_int(call, "start_time")
    end = _required_int(call, "end_time")
    limit = call.query_int("limit", 20, minimum=1, maximum=MAX_LIMIT)
    skip = call.query_int("skip", 0)
    assert limit is not None and skip is not None
    sort_param = call.query_str("sort") or "desc"
    if sort_param not in SORTS:
        raise form_invalid(f'sort must be "desc" or "asc" (also spelled "dese"/"ase"), got {sort_param!r}')
    if end > call.now:
        raise form_invalid(f"end_time {end} is after the current time {int(call.now)}")
    if end <= start:
        raise form_invalid("end_time must be greater than start_time")
    if end - start >= MAX_SPAN:
        raise form_invalid("end_time - start_time must be less than 48 hours")
    if start < call.now - RETENTION:
        raise form_invalid(f"logs are kept 7 days: start_time must be at least {int(call.now - RETENTION) + 1}")
    if skip + limit > MAX_WINDOW:
        raise form_invalid(f"skip + limit must be at most {MAX_WINDOW}")
    device, _ = call.cloud.bound_device(call.me, call.path("did"))
    found = entries(call.cloud.history, device, kind, start, end)
    sort = SORTS[sort_param]
    if sort == "desc":
        found.reverse()
    return {
        "meta": {"sort": sort, "limit": limit, "end_time": end, "did": device.did, "skip": skip,
                 "start_time": start, "total": len(found), "type": kind},
        "objects": found[skip:skip + limit],
    }


ROUTES = [Route("/app/devices/{did}/raw_data", raw_data, methods=["GET"])]

# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["devices"]
_UNIX_SECONDS = {"type": "integer", "minimum": 0}

SCHEMAS: dict[str, Any] = {
    "RawDataEntry": obj({
        "type": {"enum": ["app2dev", "dev2app", "dev_online", "dev_offline"]},
        "ip": STRING,
        "timestamp": {"type": "number", "description": "Unix time in seconds, to the millisecond"},
        "payload_bin": {"type": "string", "pattern": "^([0-9a-f]{2})*$",
                        "description": "the P0 frame, hex (empty for connection records)"},
        "source": {"enum": ["client", "d3"], "description": "app2dev only: an app (client) or the cloud itself (d3)"},
        "uid": {**STRING, "description": "app2dev from an app only"},
        "appid": {**STRING, "description": "app2dev from an app only"},
    }, ("type", "ip", "timestamp", "payload_bin")),
    "RawData": obj({
        "meta": obj({"sort": {"enum": ["asc", "desc"]}, "limit": INTEGER, "end_time": INTEGER, "did": STRING,
                     "skip": INTEGER, "start_time": INTEGER, "total": INTEGER, "type": {"enum": [CMD, ONLINE]}},
                    ("sort", "limit", "end_time", "did", "skip", "start_time", "total", "type")),
        "objects": array(ref("RawDataEntry")),
    }, ("meta", "objects")),
}

SPEC: dict[str, Any] = {
    "/app/devices/{did}/raw_data": {
        "get": operation(
            "raw_data", "A device's communication log (P0 frames) or connection records", tags=_TAGS,
            errors=(9014, 9017),
            description="Entries have start_time < timestamp <= end_time; end_time is at most now, after "
                        "start_time and less than 48 hours after it; logs are kept 7 days; skip + limit <= 5000.",
            parameters=[
                path_param("did", "device id"),
                query_param("type", "cmd: communication log; online: connection records",
                            {"type": "string", "enum": [CMD, ONLINE]}, required=True),
                query_param("start_time", "entries after this Unix time (s)", _UNIX_SECONDS, required=True),
                query_param("end_time", "entries up to this Unix time (s)", _UNIX_SECONDS, required=True),
                query_param("skip", "entries to skip (skip + limit <= 5000)",
                            {"type": "integer", "minimum": 0, "maximum": MAX_WINDOW - 1, "default": 0}),
                query_param("limit", "entries to return",
                            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}),
                query_param("sort", "by time; dese/ase are the docs' spellings of desc/asc",
                            {"type": "string", "enum": list(SORTS), "default": "desc"}),
            ],
            responses={200: json_response(ref("RawData"))},
        ),
    },
}
