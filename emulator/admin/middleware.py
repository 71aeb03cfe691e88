"""The HTTP side of the test control plane: admin access, fault rules and the request journal.

An ASGI middleware in front of the emulated API. For every request outside
``/_emulator`` it asks the cloud's fault rules what to do (add latency, answer an
error, a bare 5xx, throttle with 9041/429, or drop the connection), lets the request
through otherwise, and records it in the journal just before the answer leaves (so a
client holding its answer always finds its request there). Requests to
``/_emulator`` are not recorded and no fault applies to them; they need the admin
token when one is configured.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.faults import FaultRule, RequestInfo, identities
from ..core.journal import redact
from ..gizwits.cloud.cloud import Cloud
from ..gizwits.errors import ERRORS, ApiError, error_body
from .access import ADMIN_PREFIX, TOKEN_HEADER, token_accepted

APP_ID_HEADER = "x-gizwits-application-id"
USER_TOKEN_HEADER = "x-gizwits-user-token"
#: Request bodies larger than this are journaled as a size only.
JOURNAL_BODY_LIMIT = 64 * 1024
#: Response bodies read to find a 9xxx ``error_code`` (error bodies are small).
ERROR_BODY_LIMIT = 4 * 1024


class ConnectionDropped(ConnectionError):
    """A ``drop`` fault on a server that cannot abort the connection itself (in-process ASGI)."""


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def _json_or_text(raw: bytes, complete: bool) -> Any:
    if not raw:
        return None
    if len(raw) > JOURNAL_BODY_LIMIT or not complete:
        return f"<{len(raw)}{'' if complete else '+'} bytes>"
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return raw.decode("utf-8", errors="replace")


def answer_status(rule: FaultRule) -> int:
    """The HTTP status of an answering rule."""
    if rule.action == "error":
        return ERRORS[rule.error or 9008].status
    if rule.action == "throttle":
        return ERRORS[9041].status
    return rule.status or 500


def request_info(cloud: Cloud, scope: Scope, headers: dict[str, str], now: float) -> RequestInfo:
    """What fault rules can match on. Call with the cloud's lock held."""
    appid = headers.get(APP_ID_HEADER)
    users: tuple[str, ...] = ()
    token = headers.get(USER_TOKEN_HEADER)
    if appid and token:
        try:
            user = cloud.users.authenticate_token(appid, token, now)
            users = identities(user.uid, user.email, user.username)
        except ApiError:
            pass
    dids = tuple(part for part in scope["path"].split("/") if part and cloud.devices.get(part) is not None)
    method = "WEBSOCKET" if scope["type"] == "websocket" else scope["method"]
    return RequestInfo(method, scope["path"], appid, users, dids, _client(scope))


def fault_response(rule: FaultRule) -> Response:
    status = answer_status(rule)
    if rule.action == "error":
        return JSONResponse(error_body(rule.error or 9008, f"fault rule {rule.id}"), status_code=status)
    if rule.action == "throttle":
        return JSONResponse(error_body(9041, f"fault rule {rule.id}"), status_code=status)
    return PlainTextResponse(rule.body if rule.body is not None else f"{status} (fault rule {rule.id})",
                             status_code=status)


#: Scope key set by the in-process transport (``Emulator.transport``): there is no socket to drop.
IN_PROCESS = "gizwits_emulator.in_process"


async def drop_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """End the exchange without an answer.

    Under uvicorn the ASGI callables belong to the connection's request cycle, whose
    transport is aborted: the client sees the connection close with nothing received.
    In-process, :class:`ConnectionDropped` is raised for the transport to turn into the
    error a network client would get. Under other servers (hypercorn) the answer is cut
    short instead: a status line promising a body that never comes, after which the
    server closes the connection.
    """
    for channel in (receive, send):
        transport = getattr(getattr(channel, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "abort"):
            transport.abort()
            await asyncio.sleep(0)  # let the server see the connection is gone
            return
    if scope.get(IN_PROCESS):
        raise ConnectionDropped("connection dropped by a fault rule")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class ControlPlaneMiddleware:
    #: How latency is waited for; tests replace it to observe the delay without waiting.
    sleep: Callable[[float], Awaitable[Any]] = staticmethod(asyncio.sleep)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        cloud: Cloud = scope["app"].state.cloud
        headers = _headers(scope)
        if scope["path"] == ADMIN_PREFIX or scope["path"].startswith(ADMIN_PREFIX + "/"):
            if scope["type"] == "http" and not token_accepted(cloud.config, headers):
                detail = f"the admin API needs the {TOKEN_HEADER} header (a user token is not enough)"
                await JSONResponse(error_body(9999, detail), status_code=401)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        await self._emulated(cloud, scope, headers, receive, send)

    async def _emulated(self, cloud: Cloud, scope: Scope, headers: dict[str, str], receive: Receive,
                        send: Send) -> None:
        started = time.perf_counter()
        body, complete, replay = b"", True, receive
        if scope["type"] == "http":
            body, complete, replay = await _buffer(receive, cloud.config.max_body_bytes)
        with cloud.lock:
            info = request_info(cloud, scope, headers, cloud.now())
            outcome = cloud.faults.decide(info, cloud.now())
        if outcome.delay > 0:
            await self.sleep(outcome.delay)

        def record(answer: _Answer) -> None:
            with cloud.lock:
                cloud.journal.record(
                    at=cloud.now(), method=info.method, path=scope["path"],
                    query=scope.get("query_string", b"").decode("latin-1"), headers=_redacted(scope),
                    body=_json_or_text(body, complete), status=answer.status, error_code=answer.error_code(),
                    duration_ms=round((time.perf_counter() - started) * 1000, 3), appid=info.appid,
                    dids=list(info.dids), client=info.client, faults=list(outcome.fired),
                    websocket=scope["type"] == "websocket",
                )

        answer = _Answer(send, record)
        try:
            if outcome.rule is None:
                await self.app(scope, replay, answer.send)
            elif outcome.rule.action == "drop":
                await drop_connection(scope, receive, send)
            elif scope["type"] == "websocket":
                await answer.send({"type": "websocket.close", "code": 1013})
            else:
                await fault_response(outcome.rule)(scope, replay, answer.send)
        finally:
            answer.finish()


def _redacted(scope: Scope) -> dict[str, str]:
    return redact({k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])})


async def _buffer(receive: Receive, limit: int) -> tuple[bytes, bool, Receive]:
    """Read the request body (up to ``limit`` + 1 bytes) and give a ``receive`` that replays it."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more and size <= limit:
        message = await receive()
        if message["type"] != "http.request":
            pending: list[Message] = [message]
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
    else:
        pending = []
    body = b"".join(chunks)
    replay = [{"type": "http.request", "body": body, "more_body": more}, *pending]

    async def replaying() -> Message:
        if replay:
            return replay.pop(0)
        return await receive()

    return body, not more, replaying


class _Answer:
    """Watches what the app sends: the status, and the start of an error body.

    The status line is held back until the first body message, and the request is
    journaled just before the last message goes out: for the usual one-piece answer,
    nothing reaches the client before its request is in the journal.
    """

    def __init__(self, send: Send, record: Callable[[_Answer], None]) -> None:
        self._send = send
        self._record = record
        self._recorded = False
        self.status: int | None = None
        self._body = bytearray()
        self._held: Message | None = None

    def finish(self) -> None:
        """Journal the request if the answer did not (a dropped connection, an error)."""
        if not self._recorded:
            self._recorded = True
            self._record(self)

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            self._held = message  # goes out with the first body message
            return
        if kind == "http.response.body" and self.status is not None and self.status >= 400:
            if len(self._body) < ERROR_BODY_LIMIT:
                self._body.extend(message.get("body", b"")[:ERROR_BODY_LIMIT])
        elif kind == "websocket.accept":
            self.status = 101
        elif kind == "websocket.close" and self.status is None:
            self.status = 403  # closed before the handshake: servers answer 403
        elif kind == "websocket.http.response.start":
            self.status = message["status"]
        last = ((kind == "http.response.body" and not message.get("more_body", False))
                or kind in ("websocket.accept", "websocket.close")
                or (kind == "websocket.http.response.body" and not message.get("more_body", False)))
        if last:
            self.finish()
        if self._held is not None:
            held, self._held = self._held, None
            await self._send(held)
        await self._send(message)

    def error_code(self) -> int | None:
        if not self._body:
            return None
        try:
            code = json.loads(bytes(self._body)).get("error_code")
        except (ValueError, AttributeError):
            return None
        return code if isinstance(code, int) else None
