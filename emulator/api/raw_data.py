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

from ..cloud.history import RETENTION
from ..cloud.rawlog import CMD, ONLINE, entries
from ..errors import form_invalid
from .http import Call, endpoint

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

_ENTRY = {
    "type": "object",
    "required": ["type", "ip", "timestamp"],
    "properties": {
        "type": {"type": "string", "enum": ["app2dev", "dev2app", "dev_online", "dev_re_online", "dev_offline"]},
        "ip": {"type": "string"},
        "timestamp": {"type": "number", "description": "Unix time in seconds, to the millisecond"},
        "payload_bin": {"type": "string", "description": "P0 frame, hex (empty for connection records)"},
        "source": {"type": "string", "enum": ["client", "d3"], "description": "app2dev only"},
        "uid": {"type": "string", "description": "app2dev from a client only"},
        "appid": {"type": "string", "description": "app2dev from a client only"},
    },
}

SCHEMAS: dict[str, Any] = {
    "RawDataEntry": _ENTRY,
    "RawData": {
        "type": "object",
        "required": ["meta", "objects"],
        "properties": {
            "meta": {
                "type": "object",
                "required": ["sort", "limit", "end_time", "did", "skip", "start_time", "total", "type"],
                "properties": {
                    "sort": {"type": "string", "enum": ["asc", "desc"]},
                    "limit": {"type": "integer"},
                    "end_time": {"type": "integer"},
                    "did": {"type": "string"},
                    "skip": {"type": "integer"},
                    "start_time": {"type": "integer"},
                    "total": {"type": "integer"},
                    "type": {"type": "string", "enum": ["cmd", "online"]},
                },
            },
            "objects": {"type": "array", "items": {"$ref": "#/components/schemas/RawDataEntry"}},
        },
    },
}


def _query(name: str, schema: dict[str, Any], description: str, *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


SPEC: dict[str, Any] = {
    "/app/devices/{did}/raw_data": {
        "get": {
            "operationId": "get_app_devices_did_raw_data",
            "summary": "A device's communication log (P0 frames) or connection records",
            "security": [{"appId": [], "userToken": []}],
            "parameters": [
                {"name": "did", "in": "path", "required": True, "schema": {"type": "string"}},
                _query("type", {"type": "string", "enum": ["cmd", "online"]},
                       "cmd: communication log; online: connection records", required=True),
                _query("start_time", {"type": "integer"}, "entries after this Unix time (s)", required=True),
                _query("end_time", {"type": "integer"},
                       "entries up to this Unix time (s); <= now, > start_time, < start_time + 48 h", required=True),
                _query("skip", {"type": "integer", "minimum": 0, "default": 0}, "skip + limit <= 5000"),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20}, "<= 1000"),
                _query("sort", {"type": "string", "enum": ["desc", "asc", "dese", "ase"], "default": "desc"},
                       "by time; dese/ase are the docs' spellings of desc/asc"),
            ],
            "responses": {
                "200": {"description": "The log",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RawData"}}}},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
            },
        }
    }
}
