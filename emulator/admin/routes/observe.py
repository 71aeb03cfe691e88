"""Admin routes for what went in and out: the request journal and the outbox."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...gizwits.api.http import Call, endpoint
from ...gizwits.errors import form_invalid
from .. import control, websocket
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


def frame_criteria(call: Call) -> dict[str, Any]:
    """With ``cmd`` (a glob; ``*`` for all), the journal lists WebSocket frames instead of requests."""
    understood = call.query_str("understood")
    if understood not in (None, "true", "false", "1", "0"):
        raise form_invalid("understood must be true or false")
    return {"cmd": call.query_str("cmd"), "did": call.query_str("did"), "session": call.query_str("session"),
            "direction": call.query_str("direction"),
            "understood": None if understood is None else understood in ("true", "1")}


@endpoint(auth="none")
def journal(call: Call) -> Any:
    limit = call.query_int("limit", None, minimum=1)
    if call.query_str("cmd") is not None:
        frames = websocket.frames(call.cloud, **frame_criteria(call))
        return [f.as_dict() for f in (frames[-limit:] if limit is not None else frames)]
    after = call.query_int("after", None, minimum=0)
    entries = call.cloud.journal.find(**journal_criteria(call))
    if after is not None:  # ids go on across resets: a follower asks for what came after the last it saw
        entries = [e for e in entries if e.id > after]
    if limit is not None:
        entries = entries[-limit:]
    return [{**e.as_dict(), "emulated": e.emulated} for e in entries]


@endpoint(auth="none")
def journal_count(call: Call) -> Any:
    return {"count": call.cloud.journal.count(**journal_criteria(call))}


@endpoint(auth="none")
def clear_journal(call: Call) -> Any:
    call.cloud.journal.clear()
    call.cloud.sessions.frames.clear()
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
_FRAME_FILTERS = [
    parameter("cmd", "query", {"type": "string"},
              "WebSocket frames instead of requests: a glob on the frame's cmd (c2s_*, s2c_noti; * for all)"),
    parameter("session", "query", {"type": "string"}, "frames of one WebSocket session (s1, ...)"),
    parameter("direction", "query", {"enum": ["in", "out"]}, "frames: in (client to cloud) or out"),
    parameter("understood", "query", {"type": "boolean"}, "frames: false for those the emulator did not understand"),
]
_ENTRIES = {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "integer"}, "at": {"type": "number"}, "method": {"type": "string"}, "path": {"type": "string"},
    "query": {"type": "string"}, "headers": {"type": "object"}, "body": {},
    "status": {"type": ["integer", "null"]}, "error_code": {"type": ["integer", "null"]},
    "duration_ms": {"type": "number"}, "appid": {"type": ["string", "null"]},
    "dids": {"type": "array"}, "client": {"type": "string"}, "faults": {"type": "array"},
    "websocket": {"type": "boolean"}, "emulated": {"type": "boolean"},
    "user": {"type": ["string", "null"], "description": "whose user token it carried (e-mail, else username)"}}}}

_FRAMES = {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "integer"}, "at": {"type": "number"}, "session": {"type": "string"},
    "direction": {"enum": ["in", "out"]}, "cmd": {"type": ["string", "null"]}, "did": {"type": ["string", "null"]},
    "frame": {}, "understood": {"type": "boolean"}, "note": {"type": ["string", "null"]}}}}

SPEC: dict[str, dict[str, Any]] = {
    "/journal": {
        "get": operation("Requests received, oldest first (secrets in headers redacted); with cmd, WebSocket "
                         "frames both ways (login tokens redacted)",
                         "With cmd the entries are frames: id, at, session, direction, cmd, did, frame, "
                         "understood, note. did filters both kinds.",
                         parameters=[*_FILTERS, *_FRAME_FILTERS,
                                     parameter("limit", "query", {"type": "integer"}, "the last N"),
                                     parameter("after", "query", {"type": "integer"},
                                               "only entries whose id is greater (ids go on across resets)")],
                         responses={"200": json_body("Journal entries (or frames)", {"oneOf": [_ENTRIES, _FRAMES]})}),
        "delete": operation("Clear the journal (requests and frames)"),
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
