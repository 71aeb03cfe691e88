"""``GET /app/devdata/{did}/agg_data``: sum/avg/max/min of numeric data points per hour/day/week/month.

How values are sampled and grouped is :mod:`emulator.gizwits.cloud.devicedata.aggregation`'s. On the wire,
the shape is seed 001's example: ``query`` echoes the request (``end_ts`` null when not
given; the swagger's ``AggQuery`` also has ``did``) and ``data`` has one entry per period
with ``datatime`` (the period's start, UTC), the user's ``uid``, the ``product_key`` and the
values as strings (at most two decimals). Aggregation is on for every product (the real
service enables it on request).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...core.timefmt import utc_iso
from ..cloud.devicedata.aggregation import AGGREGATORS, UNITS, aggregate
from ..errors import form_invalid
from .http import Call, endpoint
from .openapi import INTEGER, STRING, UTC_Z, array, json_response, obj, operation, path_param, query_param, ref


def _number_text(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return str(round(value, 2))


def _required(call: Call, name: str) -> str:
    value = call.query_str(name)
    if not value:
        raise form_invalid(f"{name} is required")
    return value


@endpoint(auth="user")
def agg_data(call: Call) -> Any:
    device, _ = call.cloud.bound_device(call.me, call.path("did"))
    start_ts = call.query_int("start_ts")
    if start_ts is None:
        raise form_invalid("start_ts (milliseconds) is required")
    end_ts = call.query_int("end_ts")
    if end_ts is not None and end_ts < start_ts:
        raise form_invalid("end_ts is before start_ts")
    attrs = _required(call, "attrs")
    names = [name.strip() for name in attrs.split(",") if name.strip()]
    for name in names:
        point = device.product.datapoints.by_name.get(name)
        if point is None or not (point.is_numeric or point.data_type == "bool"):
            raise form_invalid(f"attrs: {name!r} is not a numeric data point of {device.product.name}")
    if not names:
        raise form_invalid("attrs names no data point")
    aggregator = _required(call, "aggregator")
    if aggregator not in AGGREGATORS:
        raise form_invalid(f"aggregator must be one of {list(AGGREGATORS)}")
    unit = _required(call, "unit")
    unit = unit.upper() if unit.isascii() else unit  # "hourſ".upper() is "HOURS" too
    if unit not in UNITS:
        raise form_invalid(f"unit must be one of {list(UNITS)}")
    end = end_ts / 1000 if end_ts is not None else call.now
    buckets = aggregate(call.cloud.history.of(device.did, end=end), names, aggregator, unit, start_ts / 1000, end)
    return {
        "query": {"aggregator": aggregator, "end_ts": end_ts, "start_ts": start_ts, "attrs": attrs, "unit": unit,
                  "did": device.did},
        "data": [
            {"datatime": utc_iso(bucket.start.timestamp()), "uid": call.me.uid, "product_key": device.product_key,
             "attrs": {name: _number_text(value) for name, value in bucket.values.items()}}
            for bucket in buckets
        ],
    }


ROUTES = [Route("/app/devdata/{did}/agg_data", agg_data, methods=["GET"])]

# -- OpenAPI ------------------------------------------------------------------------------------
_TAGS = ["aggregation"]
#: The units, in any (ASCII) case.
_UNIT_PATTERN = "^(" + "|".join("".join(f"[{c}{c.lower()}]" for c in unit) for unit in UNITS) + ")$"
_NATURAL = {"type": "integer", "minimum": 0}

SCHEMAS: dict[str, Any] = {
    "AggData": obj({
        "query": obj({"aggregator": {"enum": list(AGGREGATORS)}, "end_ts": {"type": ["integer", "null"]},
                      "start_ts": INTEGER, "attrs": STRING, "unit": {"enum": list(UNITS)}, "did": STRING},
                     ("aggregator", "end_ts", "start_ts", "attrs", "unit", "did"),
                     description="the request, echoed (end_ts null when not given)"),
        "data": array(obj({"datatime": {**UTC_Z, "description": "the period's start"}, "uid": STRING,
                           "product_key": STRING,
                           "attrs": {"type": "object", "additionalProperties": STRING,
                                     "description": "data point -> value, as a string (at most two decimals)"}},
                          ("datatime", "uid", "product_key", "attrs"))),
    }, ("query", "data")),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/devdata/{did}/agg_data": {
        "get": operation(
            "agg_data", "Aggregate a device's numeric data points per period", tags=_TAGS, errors=(9014, 9017),
            description="Every report is a sample of every data point (values carried forward between reports); "
                        "periods are calendar hours/days/weeks (Monday)/months in UTC.",
            parameters=[
                path_param("did", "device id"),
                query_param("start_ts", "start, in milliseconds", _NATURAL, required=True),
                query_param("end_ts", "end, in milliseconds (default: now); not before start_ts", _NATURAL),
                query_param("attrs", "numeric data point names, comma-separated", {"type": "string", "minLength": 1},
                            required=True),
                query_param("aggregator", "how to combine", {"type": "string", "enum": list(AGGREGATORS)},
                            required=True),
                query_param("unit", f"the period: {', '.join(UNITS)} (any case)",
                            {"type": "string", "pattern": _UNIT_PATTERN}, required=True),
            ],
            responses={200: json_response(ref("AggData"))},
        ),
    },
}
