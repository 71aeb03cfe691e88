"""Admin routes for what went in and out: the request journal and the outbox."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...gizwits.api.http import Call, endpoint
from ...gizwits.errors import form_invalid
from .. import control
from .spec import json_body, operation, parameter


def journal_criteria(call: Call) -> dict[str, Any]:
    emulated = call.query_str("emulated")
    if emulated not in (None, "true", "false", "1", "0"):
        raise form_invalid("emulated must be true or false")
    return {
        "method": call.query_str("method"), "path": call.query_str("path"), "did": call.query_str("did"),
        "status": call.query_int("status", None, minimum=100, maximum=599),
        "emulated": None if emulated is None else emulated in ("true", "1"),
    }


@endpoint(auth="none")
def journal(call: Call) -> Any:
    limit = call.query_int("limit", None, minimum=1)
    entries = call.cloud.journal.find(**journal_criteria(call))
    if limit is not None:
        entries = entries[-limit:]
    return [{**e.as_dict(), "emulated": e.emulated} for e in entries]


@endpoint(auth="none")
def journal_count(call: Call) -> Any:
    return {"count": call.cloud.journal.count(**journal_criteria(call))}


@endpoint(auth="none")
def clear_journal(call: Call) -> Any:
    call.cloud.journal.clear()
    return {}


@endpoint(auth="none")
def outbox(call: Call) -> Any:
    return [m.as_dict() for m in control.outbox(call.cloud, call.query_str("kind"), call.query_str("to"))]


@endpoint(auth="none")
def clear_outbox(call: Call) -> Any:
    call.cloud.outbox.clear()
    return {}


ROUTES = [
    Route("/journal", journal, methods=["GET"]),
    Route("/journal", clear_journal, methods=["DELETE"]),
    Route("/journal/count", journal_count, methods=["GET"]),
    Route("/outbox", outbox, methods=["GET"]),
    Route("/outbox", clear_outbox, methods=["DELETE"]),
]

_FILTERS = [
    parameter("method", "query", {"type": "string"}, "GET, POST, ..."),
    parameter("path", "query", {"type": "string"}, "glob on the path, e.g. /app/control/*"),
    parameter("did", "query", {"type": "string"}, "a device id among the path's segments"),
    parameter("status", "query", {"type": "integer"}, "HTTP status answered"),
    parameter("emulated", "query", {"type": "boolean"}, "false: requests that reached no emulated route"),
]
_ENTRIES = {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "integer"}, "at": {"type": "number"}, "method": {"type": "string"}, "path": {"type": "string"},
    "query": {"type": "string"}, "headers": {"type": "object"}, "body": {},
    "status": {"type": ["integer", "null"]}, "error_code": {"type": ["integer", "null"]},
    "duration_ms": {"type": "number"}, "appid": {"type": ["string", "null"]},
    "dids": {"type": "array"}, "client": {"type": "string"}, "faults": {"type": "array"},
    "websocket": {"type": "boolean"}, "emulated": {"type": "boolean"},
    "user": {"type": ["string", "null"], "description": "whose user token it carried (e-mail, else username)"}}}}

SPEC: dict[str, dict[str, Any]] = {
    "/journal": {
        "get": operation("Requests received, oldest first (secrets in headers redacted)",
                         parameters=[*_FILTERS, parameter("limit", "query", {"type": "integer"}, "the last N")],
                         responses={"200": json_body("Journal entries", _ENTRIES)}),
        "delete": operation("Clear the journal"),
    },
    "/journal/count": {"get": operation("How many requests match", parameters=_FILTERS, responses={
        "200": json_body("The count", {"type": "object", "properties": {"count": {"type": "integer"}}})})},
    "/outbox": {
        "get": operation("Mails and SMS the cloud sent", parameters=[
            parameter("kind", "query", {"enum": ["mail", "sms"]}), parameter("to", "query", {"type": "string"})],
            responses={"200": json_body("Messages", {"type": "array", "items": {"type": "object"}})}),
        "delete": operation("Clear the outbox"),
    },
}
