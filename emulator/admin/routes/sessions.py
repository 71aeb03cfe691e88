"""Admin routes for live WebSocket sessions: list, close, 1009/1011, silent devices, delayed pushes."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...gizwits.api.http import Call, endpoint, field
from ...gizwits.errors import form_invalid
from .. import websocket
from .spec import body, error, json_body, operation


@endpoint(auth="none")
def list_sessions(call: Call) -> Any:
    return websocket.sessions(call.cloud)


@endpoint(auth="none", body="optional")
def close_sessions(call: Call) -> Any:
    unknown = sorted(set(call.body) - {"session", "code"})
    if unknown:
        raise form_invalid(f"unknown field(s) {unknown}; give session and/or code")
    code = field(call.body, "code", int, default=1000)
    return {"closed": websocket.close(call.cloud, field(call.body, "session", str), code)}


@endpoint(auth="none", body="required")
def session_error(call: Call) -> Any:
    unknown = sorted(set(call.body) - {"session", "code"})
    if unknown:
        raise form_invalid(f"unknown field(s) {unknown}; give code and optionally session")
    code = field(call.body, "code", int, required=True)
    return {"sent": websocket.error(call.cloud, code, field(call.body, "session", str))}


@endpoint(auth="none")
def list_faults(call: Call) -> Any:
    return websocket.faults(call.cloud)


@endpoint(auth="none", body="required")
def add_fault(call: Call) -> Any:
    given = call.body
    if "silent" in given:
        if set(given) - {"silent", "on"}:
            raise form_invalid('a silent device fault is {"silent": "<did>"} (and "on": false to end it)')
        websocket.silence(call.cloud, field(given, "silent", str, required=True),
                          field(given, "on", bool, default=True))
    elif "delay" in given:
        if set(given) - {"delay", "did", "session"}:
            raise form_invalid('a push delay is {"delay": seconds, "did"?: "...", "session"?: "..."}')
        websocket.delay(call.cloud, given["delay"], field(given, "did", str), field(given, "session", str))
    else:
        raise form_invalid('give {"silent": "<did>"} or {"delay": seconds, "did"?, "session"?}')
    return websocket.faults(call.cloud)


@endpoint(auth="none")
def clear_faults(call: Call) -> Any:
    websocket.clear_faults(call.cloud)
    return {}


ROUTES = [
    Route("/ws/sessions", list_sessions, methods=["GET"]),
    Route("/ws/sessions/close", close_sessions, methods=["POST"]),
    Route("/ws/sessions/error", session_error, methods=["POST"]),
    Route("/ws/faults", list_faults, methods=["GET"]),
    Route("/ws/faults", add_fault, methods=["POST"]),
    Route("/ws/faults", clear_faults, methods=["DELETE"]),
]

_SESSION = {"type": "object", "properties": {
    "id": {"type": "string"}, "cloud": {"enum": ["gizwits", "ewelink"]}, "client": {"type": "string"},
    "connected_at": {"type": "number"},
    "apikey": {"type": ["string", "null"], "description": "eWeLink: the account of userOnline"},
    "hb_interval": {"type": "integer", "description": "eWeLink: the hbInterval userOnline answers"},
    "logged_in": {"type": "boolean"}, "uid": {"type": ["string", "null"]}, "appid": {"type": ["string", "null"]},
    "p0_type": {"enum": ["attrs_v4", "custom", None]}, "auto_subscribe": {"type": ["boolean", "null"]},
    "heartbeat_interval": {"type": ["integer", "null"], "description": "what the client declared"},
    "subscriptions": {"type": "array", "items": {"type": "string"}},
    "last_ping": {"type": ["number", "null"], "description": "emulator time of the last heartbeat (login, ping)"},
    "heartbeat_timeout_in": {"type": "number", "description": "real seconds until 1011 without a ping"},
    "queued": {"type": "integer", "description": "frames waiting to be written"},
    "logins": {"type": "integer"}}}
_IDS = {"type": "array", "items": {"type": "string"}}
_FAULTS = {"type": "object", "properties": {
    "silent": {"type": "array", "items": {"type": "string"}},
    "delays": {"type": "array", "items": {"type": "object", "properties": {
        "seconds": {"type": "number"}, "topic": {"type": ["string", "null"], "description": "a did"},
        "session": {"type": ["string", "null"]}}}}}}

SPEC: dict[str, dict[str, Any]] = {
    "/ws/sessions": {"get": operation("Live WebSocket sessions of both clouds (/ws/app/v1, /api/ws)", responses={
        "200": json_body("Sessions, oldest first", {"type": "array", "items": _SESSION})})},
    "/ws/sessions/close": {"post": operation(
        "Close one WebSocket session, or every one",
        "Without session, every live session is closed. code: a close code (default 1000).",
        request=body({"type": "object", "properties": {"session": {"type": "string"},
                                                       "code": {"type": "integer"}}}, required=False),
        responses={"200": json_body("Ids closed", {"type": "object", "properties": {"closed": _IDS}}),
                   "400": error(), "404": error()})},
    "/ws/sessions/error": {"post": operation(
        "Send 1009 or 1011 to one Gizwits session, or every one",
        "Gizwits sessions only (naming an eWeLink session is 9015). "
        "1009 \"M2M socket has closed, please login again!\": the session is logged out, the socket stays "
        "open for a new login_req. 1011 \"No heartbeat!\": then the socket is closed.",
        request=body({"type": "object", "required": ["code"], "properties": {
            "code": {"enum": list(websocket.SESSION_ERRORS)}, "session": {"type": "string"}}}),
        responses={"200": json_body("Ids told", {"type": "object", "properties": {"sent": _IDS}}),
                   "400": error(), "404": error()})},
    "/ws/faults": {
        "get": operation("Session faults in force", responses={"200": json_body("Faults", _FAULTS)}),
        "post": operation(
            "Make a device silent, or delay pushes",
            "{\"silent\": did}: c2s_read/c2s_write/c2s_raw to it get no answer and writes are lost; an "
            "eWeLink update to it answers 504 "
            "(\"on\": false ends it). {\"delay\": seconds, \"did\"?, \"session\"?}: pushes wait that long "
            "(real time) before they are written; frames behind them wait too.",
            request=body({"type": "object", "properties": {
                "silent": {"type": "string"}, "on": {"type": "boolean"}, "delay": {"type": "number"},
                "did": {"type": "string"}, "session": {"type": "string"}}}),
            responses={"200": json_body("Faults afterwards", _FAULTS), "400": error(), "404": error()}),
        "delete": operation("End every session fault"),
    },
}
