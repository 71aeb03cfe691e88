"""Admin routes for fault rules: add, list, read, delete."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...core.faults import ACTIONS, DEVICE_FAULTS, FaultSpecError
from ...gizwits.api.http import Call, Reply, endpoint
from ...gizwits.errors import ApiError, form_invalid
from .spec import body, error, json_body, operation, parameter


@endpoint(auth="none")
def list_faults(call: Call) -> Any:
    return [rule.describe() for rule in call.cloud.faults.rules]


@endpoint(auth="none", body="required")
def add_fault(call: Call) -> Any:
    try:
        rule = call.cloud.faults.add(call.body)
    except FaultSpecError as problem:
        raise form_invalid(str(problem)) from None
    return Reply(rule.describe(), 201)


def _rule(call: Call) -> Any:
    rule = call.cloud.faults.get(call.path("id"))
    if rule is None:
        raise ApiError(9999, f"no fault rule {call.path('id')!r}", status=404)
    return rule


@endpoint(auth="none")
def get_fault(call: Call) -> Any:
    return _rule(call).describe()


@endpoint(auth="none")
def delete_fault(call: Call) -> Any:
    call.cloud.faults.delete(_rule(call).id)
    return {}


@endpoint(auth="none")
def clear_faults(call: Call) -> Any:
    call.cloud.faults.clear()
    return {}


ROUTES = [
    Route("/faults", list_faults, methods=["GET"]),
    Route("/faults", add_fault, methods=["POST"]),
    Route("/faults", clear_faults, methods=["DELETE"]),
    Route("/faults/{id}", get_fault, methods=["GET"]),
    Route("/faults/{id}", delete_fault, methods=["DELETE"]),
]

RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": f"Match fields, then exactly one action of {list(ACTIONS)}, then when it fires.",
    "properties": {
        "method": {"type": "string", "description": "GET, POST, ... or * (default); comma list allowed"},
        "path": {"type": "string", "description": "glob on the path, e.g. /app/control/* (default *)"},
        "appid": {"type": "string"}, "user": {"type": "string", "description": "uid, e-mail or username"},
        "did": {"type": "string", "description": "a device id among the path's segments"},
        "client": {"type": "string", "description": "client address"},
        "error": {"type": "integer", "description": "answer this 9xxx error with its documented HTTP status"},
        "status": {"type": "integer", "description": "answer a bare HTTP status (e.g. 500, 502)"},
        "body": {"type": "string", "description": "body of a status answer"},
        "latency": {"oneOf": [{"type": "number"}, {"type": "array", "items": {"type": "number"},
                                                     "minItems": 2, "maxItems": 2}],
                    "description": "seconds added (or a [low, high] range); the request then goes on"},
        "drop": {"const": True, "description": "close the connection without an answer"},
        "throttle": {"type": "object", "description": "token bucket; empty bucket -> 9041 / HTTP 429",
                     "properties": {"rate": {"type": "number"}, "burst": {"type": "integer"},
                                    "per": {"enum": ["app", "client"]}}},
        "device": {"enum": list(DEVICE_FAULTS),
                   "description": "device-level fault on control: not_delivered (9021), offline (9042)"},
        "times": {"type": "integer", "minimum": 1, "description": "fire at most this many times"},
        "probability": {"type": "number", "minimum": 0, "maximum": 1,
                        "description": "fire with this probability (seeded generator)"},
    },
}
_ID = [parameter("id", "path", {"type": "string"}, "rule id (f1, f2, ...)")]
_RULES = {"type": "array", "items": {"type": "object"}}

SPEC: dict[str, dict[str, Any]] = {
    "/faults": {
        "get": operation("Every fault rule, with how often it fired", responses={"200": json_body("Rules", _RULES)}),
        "post": operation("Add a fault rule", request=body(RULE_SCHEMA),
                          responses={"201": json_body("The rule, with its id", {"type": "object"}), "400": error()}),
        "delete": operation("Delete every fault rule"),
    },
    "/faults/{id}": {
        "get": operation("One fault rule", parameters=_ID,
                         responses={"200": json_body("The rule", {"type": "object"}), "404": error()}),
        "delete": operation("Delete a fault rule", parameters=_ID,
                            responses={"200": json_body("Deleted", {"type": "object"}), "404": error()}),
    },
}
